"""Reports and exports from a finished session over the tiny bank."""

from __future__ import annotations

import csv
import io
import json

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
def finished(tiny_bank: Bank, database_url: str) -> tuple[Assessment, str]:
    lm = LMService(generator=None, embedder=get_embedder("hashing"))
    assessment = Assessment(tiny_bank, Store(database_url),
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


# ---------------------------------------------------------------- defects of issue 15


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(finished: tuple[Assessment, str]) -> None:
    from assessor.report.exports import csv_cell

    assessment, session_id = finished
    store = assessment.store
    hostile = '=HYPERLINK("http://x","y")'
    worker = store.get_or_create_worker(hostile)
    store.create_session(worker, role="housekeeper", target_level=5, bank_version="t", engine_settings={},
                         state={"engine": {"responses": []}})
    rows = list(csv.reader(io.StringIO(sessions_csv(store.list_sessions()))))
    codes = [row[2] for row in rows[1:]]
    assert "'" + hostile in codes and hostile not in codes
    for value in ("+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(value) == "'" + value
    assert csv_cell("李梅") == "李梅" and csv_cell(-0.5) == -0.5 and csv_cell("a=b") == "a=b"


def test_answers_show_option_texts_in_csv_and_pdf(finished: tuple[Assessment, str], tiny_bank: Bank) -> None:
    assessment, session_id = finished
    store = assessment.store
    responses = store.responses(session_id)
    choice = next(r for r in responses if r.item_type != "open_scenario")
    item = tiny_bank.items[choice.item_id]
    picked = [choice.answer] if isinstance(choice.answer, str) else choice.answer
    first_text = next(o.zh for o in item.options if o.id == picked[0])
    rows = list(csv.DictReader(io.StringIO(responses_csv(responses, tiny_bank, "zh"))))
    row = next(r for r in rows if r["seq"] == str(choice.seq))
    assert first_text in row["answer_text"]
    session = store.get_session(session_id)
    assert session is not None
    text = _pdf_text(transcript_pdf(session, store.get_worker(session.worker_id), responses,
                                    store.messages(session_id), tiny_bank))
    assert first_text[:6] in text.replace("\n", "")


def test_transcript_pdf_never_prints_none_or_false_or_markdown(finished: tuple[Assessment, str],
                                                                tiny_bank: Bank) -> None:
    assessment, session_id = finished
    store = assessment.store
    unfinished = assessment.start("王芳", role="housekeeper", level=5, lang="zh", seed=3).session_id
    for sid in (session_id, unfinished):
        session = store.get_session(sid)
        assert session is not None
        text = _pdf_text(transcript_pdf(session, store.get_worker(session.worker_id), store.responses(sid),
                                        store.messages(sid), tiny_bank))
        assert "None" not in text and "False" not in text and "True" not in text
        assert "**" not in text
    assert "无 none" in text  # the unfinished session has no level reached


STANDARD_14 = {f"/{name}" for name in ("Helvetica", "Helvetica-Bold", "Times-Roman", "Courier", "Symbol",
                                        "ZapfDingbats")}  # every reader has these; reportlab's page default


def _fonts(data: bytes) -> list[tuple[str, bool]]:
    """(base font, embedded?) for every font a page of the PDF uses."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append((str(font["/BaseFont"]), embedded))
    return out


def test_both_pdfs_embed_their_cjk_font(finished: tuple[Assessment, str], tiny_bank: Bank) -> None:
    assessment, session_id = finished
    store = assessment.store
    session = store.get_session(session_id)
    assert session is not None
    report = worker_report_pdf(assessment.result(session_id, "zh"), worker_name="李梅")
    transcript = transcript_pdf(session, store.get_worker(session.worker_id), store.responses(session_id),
                                store.messages(session_id), tiny_bank)
    for data in (report, transcript):
        fonts = [(name, embedded) for name, embedded in _fonts(data) if name not in STANDARD_14]
        assert fonts and all(embedded for _name, embedded in fonts), fonts  # the CJK font is in the file


def test_every_character_in_the_report_has_a_glyph_and_renders(finished: tuple[Assessment, str]) -> None:
    import numpy as np
    import pypdfium2 as pdfium

    from assessor.report.pdf import cjk_font

    assessment, _session_id = finished
    turn = assessment.start("张兰", role="housekeeper", level=5, lang="zh", seed=11)
    while turn.question is not None:  # every answer wrong: courses are recommended
        item = assessment.bank.items[turn.question.item_id]
        wrong = [o for o in item.option_ids if o not in item.key]
        answer = ("不知道" if item.type == "open_scenario" else wrong[0] if item.type in ("single_choice", "true_false")
                  else list(reversed(item.option_ids)) if item.type == "ordering" else wrong[:1])
        turn = assessment.answer(turn.session_id, item.id, answer)
    view = assessment.result(turn.session_id, "zh")
    assert view.courses, "a session with every answer wrong should recommend a course"
    data = worker_report_pdf(view, worker_name="李梅")
    text = _pdf_text(data)
    font = cjk_font()
    missing = {ch for ch in text if not ch.isspace() and not font.has_glyph(ch)}
    assert not missing, missing
    assert view.courses[0].title in text
    page = pdfium.PdfDocument(data)[0]
    image = np.asarray(page.render(scale=1).to_pil().convert("L"))
    ink_rows = np.flatnonzero((image < 128).sum(axis=1) > 0)
    assert image.shape[0] > 800 and len(ink_rows) > 100  # title, table and course lines are drawn
    # The title (Chinese only) is drawn with real glyphs: dark pixels in the first line of text.
    top = image[: image.shape[0] // 8]
    assert (top < 128).sum() > 200
