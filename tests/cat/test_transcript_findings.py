"""The trainer's transcript PDF carries the engine's findings, bilingual: the unreliable-results flag with its
reasons and the per-area table (band and word, or 还没测够 / not measured enough). Read back with pypdfium2."""

from __future__ import annotations

import itertools

import pypdfium2 as pdfium
import pytest

from assessor.bank.load import Bank
from assessor.dialogue import Assessment, Models
from assessor.lm.service import LMService
from assessor.report import transcript_pdf
from assessor.report.findings import area_rows, stored_results, unreliable_text
from assessor.retrieval.embedder import get_embedder
from assessor.store import Store


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _flat(text: str) -> str:
    return "".join(text.split())


def _assessment(bank: Bank, database_url: str, seconds_per_tick: int) -> Assessment:
    """An assessment whose clock moves `seconds_per_tick` at every reading (about one answer's time)."""
    lm = LMService(generator=None, embedder=get_embedder("hashing"))
    ticks = itertools.count(start=1_700_000_000, step=seconds_per_tick)
    return Assessment(bank, Store(database_url), models=Models(bank, embedder_name="hashing", lm=lm),
                      clock=lambda: float(next(ticks)))


@pytest.fixture
def assessment(tiny_bank: Bank, database_url: str) -> Assessment:
    """A worker who reads each question (12 s per clock reading)."""
    return _assessment(tiny_bank, database_url, 12)


@pytest.fixture
def speeder(tiny_bank: Bank, database_url: str) -> Assessment:
    """A worker who taps without reading (1 s per clock reading)."""
    return _assessment(tiny_bank, database_url, 1)


def _run(assessment: Assessment, bank: Bank, *, wrong: bool, stop_after: int | None = None) -> str:
    """A session answered all right or all wrong (optionally ended by the worker after `stop_after` answers)."""
    turn = assessment.start("李梅", role="housekeeper", level=5, lang="zh", seed=7)
    n = 0
    while turn.question is not None and (stop_after is None or n < stop_after):
        item = bank.items[turn.question.item_id]
        if item.type == "open_scenario":
            answer: object = "不知道" if wrong else "不要扶，先打120，看看有没有出血"
        elif item.type in ("single_choice", "true_false"):
            others = [o for o in item.option_ids if o not in item.key]
            answer = others[0] if wrong and others else item.key[0]
        elif item.type == "ordering":
            answer = list(reversed(item.key)) if wrong else list(item.key)
        else:
            others = [o for o in item.option_ids if o not in item.key]
            answer = others[:1] if wrong and others else list(item.key)
        turn = assessment.answer(turn.session_id, item.id, answer)
        n += 1
    if turn.question is not None:
        assessment.stop(turn.session_id)
    return turn.session_id


def _transcript(assessment: Assessment, bank: Bank, session_id: str) -> tuple[object, str]:
    store = assessment.store
    session = store.get_session(session_id)
    assert session is not None
    data = transcript_pdf(session, store.get_worker(session.worker_id), store.responses(session_id),
                          store.messages(session_id), bank)
    return session, _flat(_pdf_text(data))


def test_transcript_shows_unreliable_flag_with_reasons(speeder: Assessment, tiny_bank: Bank) -> None:
    session_id = _run(speeder, tiny_bank, wrong=True)
    session, text = _transcript(speeder, tiny_bank, session_id)
    flag = unreliable_text(session)
    assert flag, "every answer within about a second: the session must be flagged"
    assert _flat("答得太快") in text and _flat("answers too fast") in text
    assert _flat("结果可能不可靠") in text and _flat("results may be unreliable") in text
    reasons = flag.split(": ", 1)[1].split("; ")
    for reason in reasons:  # every stored reason, in both languages
        zh, en = reason.split(" / ")
        assert _flat(zh) in text and _flat(en) in text


def test_transcript_of_a_normal_session_has_no_flag(assessment: Assessment, tiny_bank: Bank) -> None:
    session_id = _run(assessment, tiny_bank, wrong=False)
    session, text = _transcript(assessment, tiny_bank, session_id)
    assert unreliable_text(session) == ""
    assert _flat("结果可能不可靠") not in text and _flat("results may be unreliable") not in text


def test_transcript_area_table_matches_stored_results(assessment: Assessment, tiny_bank: Bank) -> None:
    session_id = _run(assessment, tiny_bank, wrong=False, stop_after=4)
    session, text = _transcript(assessment, tiny_bank, session_id)
    results = stored_results(session)
    assert results is not None
    rows = area_rows(tiny_bank, results)
    assert _flat("各领域结果") in text and _flat("Areas") in text
    assert _flat("本领域题数") in text and _flat("own answers") in text
    assert any(not r.measured_enough for r in rows), "4 answers cannot give every area k own answers"
    assert _flat("还没测够") in text and _flat("not measured enough") in text
    for row in rows:
        assert _flat(row.name) in text and _flat(row.band) in text
        if not row.measured_enough:
            assert row.sure == "—"  # no confidence word for an area without enough own answers


def test_transcript_area_table_shows_bands_once_measured(assessment: Assessment, tiny_bank: Bank) -> None:
    session_id = _run(assessment, tiny_bank, wrong=False)
    session, text = _transcript(assessment, tiny_bank, session_id)
    results = stored_results(session)
    assert results is not None
    measured = [r for r in area_rows(tiny_bank, results) if r.measured_enough]
    assert measured
    for row in measured:
        assert _flat(row.band) in text
        zh, en = row.band.split(" ", 1)
        assert zh in ("超过目标等级", "达到目标等级", "还没达到目标等级") and en
