"""Unscored practice rounds ("练一练这方面 / Practise this area") after a finished assessment.

Contract:
- A round is its own session with `kind='practice'`, linked to the assessment by `engine_settings["practice_of"]`
  (no schema change); its answers are stored under the practice session only.
- Practice never touches the assessment: not its state, results, responses or transcript. The store leaves
  practice out of exposure counts, item statistics, calibration and the bulk exports (`Store.item_exposure`,
  `Store.all_responses`, `Store.iter_sessions`).
- Items: a few choice items (single choice, true/false, multiple choice) of one domain, nearest the worker's
  target level first, active items only, the ones she answered in the assessment last (she has seen their key
  in 错题本). Each answer is scored exactly (`cat.scoring`) and shows the verdict and the authored explanation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from assessor.bank.load import Bank
from assessor.bank.schema import Item
from assessor.cat.scoring import score_response
from assessor.i18n import join, t
from assessor.responses import InputProblem, answer_text, normalise_response
from assessor.results import domain_name
from assessor.store import AssessmentSession, StaleSession, Store
from assessor.views import FeedbackView, QuestionView

PRACTICE_TYPES = ("single_choice", "true_false", "multiple_choice")
ROUND_SIZE = 5


@dataclass
class PracticeTurn:
    """One step of a round: the pending question (None when the round is over), the feedback on the answer just
    given, and the tally so far (`right` of `answered`, out of `total`)."""

    session_id: str
    assessment_id: str
    domain: str
    lang: str
    question: QuestionView | None
    feedback: FeedbackView | None
    right: int
    answered: int
    total: int

    @property
    def done(self) -> bool:
        return self.question is None

    def summary(self) -> str:
        """"答对 3 题，共 5 题" / "3 of 5 right"."""
        return t("practice_summary", self.lang, right=self.right, total=self.total)


def pick_items(bank: Bank, domain: str, level: int, *, avoid: set[str], n: int = ROUND_SIZE,
               seed: int = 0) -> list[str]:
    """Up to `n` active choice items of `domain`: nearest `level` first, items in `avoid` last, shuffled
    within each level (seeded)."""
    rng = random.Random(seed)
    pool = [i for i in bank.items.values() if i.domain == domain and i.type in PRACTICE_TYPES and i.status == "active"]
    rng.shuffle(pool)
    pool.sort(key=lambda i: (i.id in avoid, abs(i.level - level)))
    return [i.id for i in pool[:n]]


class Practice:
    """Starts and runs practice rounds over the store (one object per running app)."""

    def __init__(self, bank: Bank, store: Store) -> None:
        self.bank = bank
        self.store = store

    def start(self, assessment_id: str, domain: str, lang: str, *, n: int = ROUND_SIZE,
              seed: int | None = None) -> PracticeTurn:
        """A new round from `domain` for the worker of the finished assessment `assessment_id`.
        InputProblem('session_not_finished') for a running or practice session; ('practice_none') when the
        domain has no practice items."""
        parent = self.store.get_session(assessment_id)
        if parent is None:
            raise InputProblem("unknown_code", code=assessment_id[:8])
        if parent.kind != "assessment" or parent.status != "finished":
            raise InputProblem("session_not_finished")
        avoid = {r.item_id for r in self.store.responses(assessment_id)}
        items = pick_items(self.bank, domain, parent.target_level, avoid=avoid, n=n,
                           seed=seed if seed is not None else random.randrange(2**31))
        if not items:
            raise InputProblem("practice_none")
        worker = self.store.get_worker(parent.worker_id)
        if worker is None:
            raise InputProblem("unknown_code", code=assessment_id[:8])
        state = {"practice": {"of": assessment_id, "domain": domain, "items": items, "index": 0, "right": 0},
                 "lang": lang}
        row = self.store.create_session(worker, role=parent.role, target_level=parent.target_level,
                                        bank_version=self.bank.version, kind="practice", language=lang,
                                        engine_settings={"practice_of": assessment_id, "domain": domain}, state=state)
        name = domain_name(self.bank, domain, lang)
        self.store.add_message(row.id, speaker="assessor", text=t("practice_started", lang, domain=name,
                                                                     total=len(items)), kind="info", source="bank")
        return self._turn(row, lang, feedback=None)

    def current(self, practice_id: str, lang: str) -> PracticeTurn:
        """The round as it stands (the pending question, or the summary)."""
        return self._turn(self._row(practice_id), lang, feedback=None)

    def answer(self, practice_id: str, item_id: str, response: Any, lang: str) -> PracticeTurn:
        """Score and store one practice answer (under the practice session only) and move on.
        InputProblem('stale_question') when `item_id` is not the pending one (a double tap)."""
        row = self._row(practice_id)
        info = dict(row.state["practice"])
        items, index = list(info["items"]), int(info["index"])
        if index >= len(items) or items[index] != item_id:
            raise InputProblem("stale_question")
        item = self.bank.items[item_id]
        clean = normalise_response(item, response)
        scored = score_response(item, clean)
        info.update(index=index + 1, right=int(info["right"]) + int(scored.correct))
        try:
            self.store.record_answer(
                practice_id, item_id=item.id, item_version=item.version, item_params={}, domain=item.domain,
                level=item.level, item_type=item.type, answer=clean, score=scored.score, category=scored.category,
                correct=scored.correct, pilot=False, theta={}, se={}, state={"practice": info, "lang": lang},
                expected_version=row.version)
        except StaleSession as error:
            raise InputProblem("stale_question") from error
        self.store.add_message(practice_id, speaker="worker", text=answer_text(item, clean, lang), kind="answer",
                               source="worker", item_id=item.id)
        feedback = self._feedback(item, scored.verdict, scored.correct, scored.score, lang)
        self.store.add_message(practice_id, speaker="assessor", text="\n\n".join(feedback.lines), kind="feedback",
                               source="bank", reason="authored explanation (practice)", item_id=item.id)
        return self._turn(self._row(practice_id), lang, feedback=feedback)

    # ---- helpers
    def _row(self, practice_id: str) -> AssessmentSession:
        row = self.store.get_session(practice_id)
        if row is None or row.kind != "practice" or "practice" not in (row.state or {}):
            raise InputProblem("unknown_code", code=practice_id[:8])
        return row

    def _turn(self, row: AssessmentSession, lang: str, feedback: FeedbackView | None) -> PracticeTurn:
        info = row.state["practice"]
        items, index = list(info["items"]), int(info["index"])
        question = self._question(row, self.bank.items[items[index]], index, len(items), lang) \
            if index < len(items) else None
        return PracticeTurn(session_id=row.id, assessment_id=str(info["of"]), domain=str(info["domain"]), lang=lang,
                            question=question, feedback=feedback, right=int(info["right"]), answered=index,
                            total=len(items))

    def _question(self, row: AssessmentSession, item: Item, index: int, total: int, lang: str) -> QuestionView:
        name = domain_name(self.bank, item.domain, lang)
        return QuestionView(
            session_id=row.id, resume_code=row.resume_code, item_id=item.id, type=item.type, lang=lang,
            stem=item.stem.get(lang), options=[(o.id, o.text(lang)) for o in item.options],
            instruction=t(f"type_{item.type}", lang),
            progress=t("practice_progress", lang, domain=name, n=index + 1, total=total), number=index + 1,
            expected=total, domain=item.domain, domain_name=name, domains_covered=1, domains_total=1)

    @staticmethod
    def _feedback(item: Item, verdict: str, correct: bool, score: float, lang: str) -> FeedbackView:
        lines = [t("correct" if verdict == "correct" else "partly" if verdict == "partial" else "wrong", lang)]
        texts = {o.id: o.text(lang) for o in item.options}
        if not correct:
            lines.append(t("right_answer", lang, answer=join((texts[k] for k in item.key), lang, "clause")))
        lines.append(t("why", lang, text=item.explanation.get(lang)))
        return FeedbackView(item_id=item.id, verdict=verdict, correct=correct, score=score, pilot=False, lines=lines)
