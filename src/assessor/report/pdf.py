"""PDF documents with reportlab: the worker's result report and the trainer's transcript.

Chinese needs a CJK font. The report embeds (a subset of) WenQuanYi Micro Hei when a package or Debian ships it
(`paperang-p2-fonts-cjk` on PyPI, `fonts-wqy-microhei`), so phones and WeChat's preview draw every glyph; without
one it falls back to reportlab's built-in STSong-Light, which is not embedded (the reader supplies it). Every text
is passed through `pdf_safe` for the font in use: a character the font lacks is replaced (• → -, θ → theta) or
dropped, so no missing-glyph box is ever drawn.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from assessor.bank.load import Bank
from assessor.i18n import bi, bi_short, t
from assessor.report.findings import area_header, area_rows, stored_results, unreliable_text
from assessor.report.pictures import transcript_pictures
from assessor.report.plain import markdown_plain
from assessor.responses import answer_text

CID_FONT = "STSong-Light"
TTF_NAME = "WenQuanYiMicroHei"
FONT_PACKAGE = "paperang_p2_fonts_cjk"  # PyPI: paperang-p2-fonts-cjk (wqy-microhei.ttc, Apache-2.0/GPLv3+FE)
DEBIAN_FONTS = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),)

# What to print instead of a character the font has no glyph for.
_REPLACEMENTS = {"•": "-", "·": " | ", "θ": "theta", "✔": "+", "✓": "+", "✘": "-", "→": "->", "“": "\"",
                 "”": "\"", "…": "...", "○": "o"}
# Characters STSong-Light (CID, no per-glyph table at hand) is known to lack.
_CID_MISSING = frozenset(_REPLACEMENTS)


@dataclass(frozen=True)
class CJKFont:
    """The font every paragraph uses: its registered name, whether the PDF embeds it, and its glyph test."""

    name: str
    embedded: bool
    has_glyph: Callable[[str], bool]


def _font_file() -> Path | None:
    try:
        packaged = Path(str(resources.files(FONT_PACKAGE) / "fonts" / "wqy-microhei.ttc"))
    except (ModuleNotFoundError, TypeError):
        packaged = None
    for path in ([packaged] if packaged else []) + list(DEBIAN_FONTS):
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def cjk_font() -> CJKFont:
    """Register the CJK font once: an embeddable TrueType font if one is installed, else STSong-Light."""
    path = _font_file()
    if path is not None:
        font = TTFont(TTF_NAME, str(path), subfontIndex=0)
        pdfmetrics.registerFont(font)
        glyphs = font.face.charToGlyph
        return CJKFont(TTF_NAME, True, lambda ch: ord(ch) in glyphs)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CJKFont(CID_FONT, False, lambda ch: ch not in _CID_MISSING and ord(ch) < 0x2600)


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font().name
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontSize=14, leading=20, spaceBefore=8, spaceAfter=4),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=12, textColor=colors.grey),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
    }


def pdf_safe(text: str) -> str:
    """Text the font in use can draw: a missing character is replaced (see `_REPLACEMENTS`) or dropped (emoji)."""
    has = cjk_font().has_glyph
    out = []
    for ch in str(text):
        if ch in "\n\t" or has(ch):
            out.append(ch)
        elif ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
    return "".join(out).strip()


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: nothing a worker typed is interpreted as markup)."""
    return Paragraph(escape(pdf_safe(str(text))).replace("\n", "<br/>"), style)


def _table(rows: Sequence[Sequence[Any]], style: ParagraphStyle, widths: Sequence[float] | None = None) -> Table:
    data = [[_p(cell, style) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f0fe")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _build(story: list[Any], title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=title, author="Assessor")
    doc.build(story)
    return buffer.getvalue()


def worker_report_pdf(view: Any, *, worker_name: str = "", when: datetime | None = None) -> bytes:
    """The worker's result (a `views.ResultView`) as a PDF in the view's language: readiness, one row per area,
    the courses with their reasons, the summary and the resume code."""
    s = _styles()
    lang = view.lang
    when = when or datetime.now()
    story: list[Any] = [
        _p(t("result_title", lang), s["title"]),
        _p(f"{worker_name} · {view.role_name} · {view.level_name} · {when:%Y-%m-%d}", s["small"]),
        Spacer(1, 6),
        _p(view.readiness_text, s["body"]),
        Spacer(1, 6),
    ]
    rows = [[t("col_area", lang), t("col_result", lang), t("col_sure", lang), t("col_items", lang)]]
    rows += [[r.name, r.band_text, r.sure_text, r.n_items] for r in view.rows]
    story.append(_table(rows, s["cell"], widths=[55 * mm, 50 * mm, 55 * mm, 18 * mm]))
    story.append(_p(t("courses_title", lang), s["h2"]))
    if not view.courses:
        story.append(_p(t("courses_none", lang), s["body"]))
    for course in view.courses:
        story.append(_p(f"• {course.title} ({t('hours', lang, hours=f'{course.hours:g}')})", s["body"]))
        story.append(_p(course.reason, s["small"]))
    story.append(_p(t("summary_title", lang), s["h2"]))
    story.append(_p(view.summary, s["body"]))
    story.append(Spacer(1, 8))
    story.append(_p(t("keep_code", lang, code=view.resume_code), s["small"]))
    return _build(story, t("result_title", lang))


def _yes_no(value: bool | None) -> str:
    return bi_short("none") if value is None else bi_short("yes" if value else "no")


def transcript_pdf(session: Any, worker: Any, responses: Sequence[Any], messages: Sequence[Any],
                   bank: Bank | None = None) -> bytes:
    """A trainer's transcript: session facts, every response with its psychometrics (parameters as used), the
    answer as the options' texts (needs `bank`), and every message as plain text with its source. Bilingual
    headings (trainers may read either); a missing value prints as "无 none", never "None"."""
    s = _styles()
    lang = "zh" if session.language == "zh" else "en"
    role = bank.roles.get(session.role) if bank is not None else None
    role_name = f"{role.name.zh} {role.name.en}" if role is not None else session.role
    level = session.level_reached if session.level_reached is not None else bi_short("none")
    story: list[Any] = [
        _p("测试记录 Transcript", s["title"]),
        _p(f"{worker.code} ({worker.display_name}) · {session.centre} · {role_name} · L{session.target_level} · "
           f"{session.started_at:%Y-%m-%d %H:%M} · {session.status} · code {session.resume_code} · bank {session.bank_version}",
           s["small"]),
        _p(f"达到等级 level reached: {level} · 达标 ready: {_yes_no(session.ready)}", s["body"]),
    ]
    story += _findings(session, bank, s)
    story.append(_p("作答 Responses", s["h2"]))
    rows: list[list[Any]] = [["#", "item", "domain", "L", "a/b/c", "answer", "score", "θ / SE", "s"]]
    for r in responses:
        params = r.item_params or {}
        theta = r.theta.get(r.domain)
        se = r.se.get(r.domain)
        item = bank.items.get(r.item_id) if bank is not None else None
        rows.append([
            r.seq, f"{r.item_id} v{r.item_version}" + (" (pilot)" if r.pilot else ""), r.domain, r.level,
            "/".join(_number(params.get(k)) for k in ("a", "b", "c")),
            answer_text(item, r.answer, lang),
            f"{r.score:.2f}", f"{theta:.2f} / {se:.2f}" if theta is not None and se is not None else "",
            f"{r.seconds:.0f}" if r.seconds is not None else "",
        ])
    widths = [8 * mm, 24 * mm, 26 * mm, 7 * mm, 22 * mm, 38 * mm, 12 * mm, 24 * mm, 10 * mm]
    story.append(_table(rows, s["cell"], widths=widths))
    story += transcript_pictures(bank, [r.item_id for r in responses], s["h2"], s["cell"], lambda x: escape(pdf_safe(x)))
    story.append(_p("对话 Messages", s["h2"]))
    for m in messages:
        source = f"[{m.speaker} · {m.kind} · {m.source}{' · ' + m.reason if m.reason else ''}]"
        story.append(_p(source, s["small"]))
        story.append(_p(m.text if m.speaker == "worker" else markdown_plain(m.text), s["body"]))
    return _build(story, "Transcript")


def _findings(session: Any, bank: Bank | None, s: dict[str, ParagraphStyle]) -> list[Any]:
    """The transcript's findings, as the trainer's page shows them (report.findings): the unreliable-results flag
    with its reasons, and the per-area table (band and calibrated word, or not measured enough)."""
    out: list[Any] = []
    flag = unreliable_text(session)
    if flag:
        out.append(_p(flag, ParagraphStyle("warn", parent=s["body"], textColor=colors.HexColor("#b00020"))))
    results = stored_results(session)
    if results is not None:
        out.append(_p(bi("tr_areas"), s["h2"]))
        rows: list[list[Any]] = [area_header()]
        rows += [[r.name, r.band, r.sure, r.own] for r in area_rows(bank, results)]
        out.append(_table(rows, s["cell"], widths=[58 * mm, 52 * mm, 44 * mm, 24 * mm]))
    return out


def _number(value: Any) -> str:
    """A parameter as a short number ("1.2", "0"); "-" when missing."""
    if value is None or value == "":
        return "-"
    try:
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    except (TypeError, ValueError):
        return str(value)
