"""The logistic head, its file, the corpus loader, item folds, metrics and the review exporter (no model)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from assessor.grading.corpus import Example, held_out_items, load_corpus, parse_said
from assessor.grading.export import export_reviews, review_row
from assessor.grading.features import FEATURES
from assessor.grading.matcher import HeadFile, LogisticHead, fit_logistic
from assessor.grading.metrics import quadratic_kappa
from assessor.grading.train import item_folds


def test_fit_logistic_separates_and_refuses_one_class() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] - 0.5 * x[:, 2] > 0).astype(float)
    head = fit_logistic(x, y, l2=0.1)
    assert ((head.probability(x) >= 0.5) == y.astype(bool)).mean() > 0.95
    assert head.weights[0] > 0 > head.weights[2]
    with pytest.raises(ValueError, match="one class"):
        fit_logistic(x, np.zeros(200))
    with pytest.raises(ValueError):
        fit_logistic(x, y[:10])


def test_head_file_round_trip_and_bad_files(tmp_path: Path) -> None:
    n = len(FEATURES)
    head = HeadFile("m", LogisticHead(list(FEATURES), [0.1] * n, -0.2, [0.0] * n, [1.0] * n, {"zh": 0.4, "en": 0.6}),
                    None, {"answers": 3})
    path = tmp_path / "head.json"
    head.save(path)
    again = HeadFile.load(path)
    assert again.point.threshold == {"zh": 0.4, "en": 0.6} and again.model_id == "m" and again.critical is None
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read"):
        HeadFile.load(path)
    data = json.loads(json.dumps({"model_id": "m", "point": {**again.point.__dict__, "features": ["x"]}}))
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        HeadFile.load(path)


def test_the_packaged_head_loads() -> None:
    head = HeadFile.load()
    assert head.point.features == list(FEATURES)
    assert set(head.point.threshold) == {"zh", "en"}


def test_label_shapes() -> None:
    assert parse_said({"said": [1, 0]}) == [True, False]
    assert parse_said({"points": [{"index": 1, "said": False}, {"index": 0, "said": True}]}) == [True, False]
    assert parse_said({"points": [0, 1]}) == [False, True]
    assert parse_said({}) is None


def test_corpus_keeps_held_out_items_apart(tmp_path: Path, tiny_bank) -> None:
    (tmp_path / "split.yaml").write_text("held_out: [saf-0005]\n", encoding="utf-8")
    answers = [{"id": "a1", "item": "saf-0005", "lang": "zh", "kind": "partial", "text": "打120"}]
    labels = [{"answer": "a1", "item": "saf-0005", "points": [{"index": i, "said": i == 1} for i in range(3)],
               "critical": [], "band": "partial"}]
    (tmp_path / "answers_x.jsonl").write_text("".join(json.dumps(r) + "\n" for r in answers), encoding="utf-8")
    (tmp_path / "labels_x.jsonl").write_text("".join(json.dumps(r) + "\n" for r in labels), encoding="utf-8")
    assert held_out_items(tmp_path) == {"saf-0005"}
    assert load_corpus(tmp_path, tiny_bank).examples == []
    held = load_corpus(tmp_path, tiny_bank, held_out=True).examples
    assert len(held) == 1 and held[0].said == (False, True, False) and held[0].text == "打120"
    with pytest.raises(ValueError, match="split"):
        held_out_items(tmp_path / "missing")


def test_item_folds_never_split_an_item() -> None:
    examples = [Example(f"{i}-{j}", f"it-{i}", "zh", "k", "t", (True,)) for i in range(7) for j in range(i + 1)]
    folds = item_folds(examples, 3)
    assert len(folds) == 3 and set().union(*folds) == {f"it-{i}" for i in range(7)}
    assert sum(len(f) for f in folds) == 7


def test_quadratic_kappa() -> None:
    assert quadratic_kappa(["none", "partial", "full"], ["none", "partial", "full"]) == pytest.approx(1.0)
    # a two-band miss costs more than a one-band miss
    near = quadratic_kappa(["none", "full", "partial", "none"], ["partial", "full", "partial", "none"])
    far = quadratic_kappa(["none", "full", "partial", "none"], ["full", "full", "partial", "none"])
    assert far < near < 1


@dataclass
class _Response:
    id: int
    item_id: str
    item_version: int
    answer: object
    review_status: str


@dataclass
class _Review:
    points: list
    critical: list
    score: float
    trainer: str
    decided_at: datetime


class _Store:
    def __init__(self) -> None:
        self.rows = [_Response(1, "saf-0005", 1, "不要扶，打120", "reviewed"),
                     _Response(2, "saf-0005", 1, "打120", "needs_review"),
                     _Response(3, "saf-0005", 1, "xx", "reviewed")]
        self.decisions = {1: [_Review([{"point": 0, "said": False}] * 3, [], 0.0, "a", datetime(2026, 1, 1)),
                              _Review([{"point": i, "said": i < 2} for i in range(3)], [], 2 / 3, "li",
                                      datetime(2026, 1, 2))],
                          3: [_Review([{"point": 0, "said": True}], [], 1.0, "li", datetime(2026, 1, 2))]}

    def all_responses(self, *, session_ids=None, counted_only=False):
        return self.rows

    def reviews(self, response_id):
        return self.decisions.get(response_id, [])


def test_export_reviews_takes_the_latest_decision(tiny_bank) -> None:
    rows, skipped = export_reviews(_Store(), tiny_bank)
    assert skipped == 1  # response 3's decision does not cover the rubric
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == "review-1" and row["said"] == [True, True, False] and row["trainer"] == "li"
    assert row["band"] == "partial" and row["text"] == "不要扶，打120" and row["lang"] == "zh"
    assert review_row(tiny_bank, _Response(9, "nope-0001", 1, "x", "reviewed"), row) is None
