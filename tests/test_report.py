"""Reports and exports from a finished session over the tiny bank."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessor.bank.load import Bank
from assessor.dialogue import Assessment, Models
from assessor.lm.service import LMService
from assessor.report import (
    domain_distributions,
    item_statistics,
    responses_csv,
    sessions_csv,
    transcript_pdf,
    worker_report_pdf,
    xapi_statements,
)
from assessor.retrieval.embedder import get_embedder
from assessor.store import Store


@pytest.fixture
def finished(tiny_bank: Bank, tmp_path: Path) -> tuple[Assessment, str]:
    lm = LMService(generator=None, embedder=get_embedder("hashing"))
    assessment = Assessment(tiny_bank, Store(f"sqlite:///{tmp_path / 'db.sqlite'}"),
                            models=Models(tiny_bank, embedder_name="hashing", lm=lm))
    turn = assessment.start("李梅", role="housekeeper", level=5, lang="zh", seed=7)
    while turn.question is not None:
        item = tiny_bank.items[turn.question.item_id]
        answer = "<b>不要扶</b>，打120" if item.type == "open_scenario" else (
            item.option_ids[0] if item.type in ("single_choice", "true_false") else list(item.key))
        turn = assessment.answer(turn.session_id, item.id, answer)
    return assessment, turn.session_id


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_worker_report_pdf_renders_chinese(finished: tuple[Assessment, str]) -> None:
    assessment, session_id = finished
    view = assessment.result(session_id, "zh")
    data = worker_report_pdf(view, worker_name="李梅")
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "您的测试结果" in text and "李梅" in text and "安全与急救" in text
    assert view.resume_code in text


def test_transcript_pdf_lists_items_and_sources(finished: tuple[Assessment, str]) -> None:
    assessment, session_id = finished
    store = assessment.store
    session = store.get_session(session_id)
    assert session is not None
    worker = store.get_worker(session.worker_id)
    data = transcript_pdf(session, worker, store.responses(session_id), store.messages(session_id))
    text = _pdf_text(data)
    first = store.responses(session_id)[0]
    assert first.item_id in text and "bank" in text and "worker" in text
    assert "<b>" in text or all(r.item_type != "open_scenario" for r in store.responses(session_id))


def test_csv_exports(finished: tuple[Assessment, str]) -> None:
    assessment, session_id = finished
    store = assessment.store
    sessions = list(csv.DictReader(io.StringIO(sessions_csv(store.list_sessions()))))
    assert sessions[0]["session_id"] == session_id and sessions[0]["status"] == "finished"
    rows = list(csv.DictReader(io.StringIO(responses_csv(store.responses(session_id)))))
    assert len(rows) == len(store.responses(session_id))
    assert {"item_id", "a", "b", "c", "score", "theta", "se", "seconds"} <= set(rows[0])


def test_xapi_statements(finished: tuple[Assessment, str], tiny_bank: Bank) -> None:
    assessment, session_id = finished
    store = assessment.store
    session = store.get_session(session_id)
    assert session is not None
    statements = xapi_statements(session, store.get_worker(session.worker_id), store.responses(session_id), tiny_bank)
    json.dumps(statements)  # serialisable
    answered = [s for s in statements if s["verb"]["id"].endswith("answered")]
    assert len(answered) == len(store.responses(session_id))
    assert statements[-1]["verb"]["id"].endswith("completed")
    assert answered[0]["object"]["definition"]["name"]["zh-CN"]
    assert 0.0 <= answered[0]["result"]["score"]["scaled"] <= 1.0


def test_item_statistics_and_distributions(finished: tuple[Assessment, str]) -> None:
    assessment, session_id = finished
    stats = item_statistics(assessment.store.all_responses())
    assert {s["item_id"] for s in stats} == {r.item_id for r in assessment.store.responses(session_id)}
    assert all(0 <= s["p_value"] <= 1 and s["exposure"] == 1.0 for s in stats)
    session = assessment.store.get_session(session_id)
    distributions = domain_distributions([session])
    assert set(distributions) == {"safety_first_aid", "cleaning"}


class _R:
    def __init__(self, session: str, item: str, score: float) -> None:
        self.session_id, self.item_id, self.score, self.pilot = session, item, score, False
        self.domain, self.level, self.item_type = "cleaning", 5, "single_choice"
        self.item_params = {"a": 1.0, "b": 0.0, "c": 0.0}
        self.theta, self.seconds = {"cleaning": 0.0}, 10.0


def test_flags_negative_discrimination_and_over_exposure() -> None:
    responses = []
    for s in range(40):
        strong = s % 2 == 0
        for i in range(5):
            responses.append(_R(f"s{s}", f"good{i}", 1.0 if strong else 0.0))
        responses.append(_R(f"s{s}", "bad", 0.0 if strong else 1.0))
    stats = {row["item_id"]: row for row in item_statistics(responses)}
    assert stats["bad"]["point_biserial"] < 0
    assert "negative_discrimination" in stats["bad"]["flags"]
    assert "over_exposed" in stats["good0"]["flags"]
    assert stats["good0"]["point_biserial"] > 0.9
