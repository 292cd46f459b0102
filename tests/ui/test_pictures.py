"""An item's picture where the item is shown: the worker's question and verdict cards (alt text in her language),
the trainer's preview, and the trainer's transcript PDF (a vector drawing via svglib, or the alt text in a box)."""

from __future__ import annotations

import html
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from assessor.bank.load import Bank, load_bank
from assessor.dialogue import Assessment
from assessor.report import pdf as pdf_module
from assessor.report import pictures
from assessor.report.pdf import transcript_pdf
from assessor.store import Store
from assessor.ui.media import item_image_html, question_image_html
from assessor.ui.trainer.preview import item_preview
from assessor.ui.worker.render import question_card
from tests.picture_bank import ALT, DRAWING, make_picture_bank
from tests.ui.conftest import fast_models


@pytest.fixture
def picture_bank(tmp_path: Path) -> Bank:
    return load_bank(make_picture_bank(tmp_path / "bank"))


def _assessment(bank: Bank, url: str) -> Assessment:
    return Assessment(bank, Store(url), models=fast_models(bank))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_question_card_shows_the_picture_with_alt_text_in_her_language(picture_bank: Bank, database_url: str,
                                                                           lang: str) -> None:
    turn = _assessment(picture_bank, database_url).start("W1", role="housekeeper", level=5, lang=lang, seed=1)
    q = turn.question
    assert q is not None
    assert q.image_src.startswith("data:image/svg+xml;base64,") and q.image_alt == ALT[lang]
    card = question_card(q)
    assert '<img class="q-image"' in card and f'alt="{html.escape(ALT[lang])}"' in card
    other = "en" if lang == "zh" else "zh"
    assert html.escape(ALT[other]) not in card
    assert card.index('class="q-stem"') < card.index('class="q-image"')  # the picture comes right under the stem


def test_a_question_without_a_picture_has_no_img(tiny_bank: Bank, database_url: str) -> None:
    q = _assessment(tiny_bank, database_url).start("W1", role="housekeeper", level=5, lang="zh", seed=1).question
    assert q is not None and q.image_src == "" and question_image_html(q) == ""
    assert "<img" not in question_card(q)


def test_an_unsafe_src_never_becomes_an_img(picture_bank: Bank, database_url: str) -> None:
    q = _assessment(picture_bank, database_url).start("W1", role="housekeeper", level=5, lang="zh", seed=1).question
    assert q is not None
    q.image_src, q.image_alt = "javascript:alert(1)", '"><script>'
    assert question_image_html(q) == ""
    q.image_src = "data:image/svg+xml;base64,PHN2Zy8+"
    assert "<script>" not in question_image_html(q) and "&lt;script&gt;" in question_image_html(q)


def test_the_trainer_preview_shows_the_picture(picture_bank: Bank) -> None:
    item = next(iter(picture_bank.items.values()))
    for lang in ("zh", "en"):
        preview = item_preview(picture_bank, item, lang)
        assert '<img class="q-image"' in preview and f'alt="{html.escape(ALT[lang])}"' in preview and DRAWING in preview
    assert item_image_html(item, "zh", picture_bank.root / "media") in item_preview(picture_bank, item, "zh")


def _finished(bank: Bank, url: str) -> tuple[Store, str]:
    assessment = _assessment(bank, url)
    turn = assessment.start("李梅", role="housekeeper", level=5, lang="zh", seed=7)
    while turn.question is not None:
        item = bank.items[turn.question.item_id]
        answer = "不要扶他，打120" if item.type == "open_scenario" else (
            item.option_ids[0] if item.type in ("single_choice", "true_false") else list(item.key))
        turn = assessment.answer(turn.session_id, item.id, answer)
    return assessment.store, turn.session_id


def _transcript(bank: Bank, store: Store, session_id: str) -> bytes:
    session = store.get_session(session_id)
    assert session is not None
    return transcript_pdf(session, store.get_worker(session.worker_id), store.responses(session_id),
                          store.messages(session_id), bank)


def _paths_and_text(data: bytes) -> tuple[int, str]:
    doc = pdfium.PdfDocument(data)
    paths = sum(1 for page in doc for obj in page.get_objects(max_depth=5) if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH)
    text = "\n".join(page.get_textpage().get_text_range() for page in doc)
    return paths, text


def test_the_transcript_pdf_draws_the_pictures(picture_bank: Bank, database_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store, session_id = _finished(picture_bank, database_url)
    with_pictures, text = _paths_and_text(_transcript(picture_bank, store, session_id))
    assert "Item pictures" in text and ALT["zh"] in text and ALT["en"] in text
    monkeypatch.setattr(pdf_module, "transcript_pictures", lambda *args, **kwargs: [])
    without, _ = _paths_and_text(_transcript(picture_bank, store, session_id))
    assert with_pictures - without >= 20  # the drawing's strokes, as vector paths


def test_without_svglib_the_pdf_prints_the_alt_text_in_a_box(picture_bank: Bank, database_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store, session_id = _finished(picture_bank, database_url)
    monkeypatch.setattr(pictures, "svg_drawing", lambda *args, **kwargs: None)
    _paths, text = _paths_and_text(_transcript(picture_bank, store, session_id))
    assert text.count(ALT["zh"]) >= 2  # in the box and in the caption


def _wrong(item: object) -> object:
    from assessor.bank.schema import Item

    assert isinstance(item, Item)
    if item.type == "open_scenario":
        return "不知道"
    wrong = [o for o in item.option_ids if o not in item.key]
    if item.type in ("single_choice", "true_false"):
        return wrong[0]
    return list(reversed(item.key)) if item.type == "ordering" else wrong[:1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_review_cards_show_the_picture_and_explain_glossary_words(picture_bank: Bank, database_url: str,
                                                                      lang: str) -> None:
    from assessor.ui.worker.render import review_html

    assessment = _assessment(picture_bank, database_url)
    turn = assessment.start("王芳", role="housekeeper", level=5, lang=lang, seed=3)
    while turn.question is not None:
        turn = assessment.answer(turn.session_id, turn.question.item_id, _wrong(picture_bank.items[turn.question.item_id]))
    entries = assessment.review(turn.session_id, lang)
    assert entries and all(e["image_src"].startswith("data:image/svg+xml;base64,") for e in entries)
    assert all(e["image_alt"] == ALT[lang] for e in entries)
    terms = list(picture_bank.glossary.values())
    word = terms[0].term.get(lang)
    entries[0]["stem"] = f"{entries[0]['stem']} ({word})"
    cards = review_html(entries, lang, terms)
    assert cards.count('<img class="q-image"') == len(entries) and html.escape(ALT[lang]) in cards
    assert f'data-term="{terms[0].id}"' in cards and html.escape(terms[0].plain.get(lang)) in cards


def test_the_review_shows_the_item_as_she_saw_it_after_a_trainer_edit(picture_bank: Bank, database_url: str) -> None:
    import dataclasses

    assessment = _assessment(picture_bank, database_url)
    turn = assessment.start("王芳", role="housekeeper", level=5, lang="zh", seed=3)
    first = turn.question
    assert first is not None
    while turn.question is not None:
        turn = assessment.answer(turn.session_id, turn.question.item_id, _wrong(picture_bank.items[turn.question.item_id]))
    item = picture_bank.items[first.item_id]
    edited = item.model_copy(update={"stem": item.stem.model_copy(update={"zh": "改过的题干"})})
    newer = dataclasses.replace(picture_bank, items={**picture_bank.items, item.id: edited},
                                content_hash="f" * 64)
    assessment.use_bank(newer)
    shown = next(e for e in assessment.review(turn.session_id, "zh") if e["item_id"] == item.id)
    assert shown["stem"] == item.stem.zh != "改过的题干"
