"""PDF documents with reportlab. Chinese renders with the built-in CID font STSong-Light (no font file needed)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from assessor.i18n import t

CJK_FONT = "STSong-Light"
_registered = False


def _styles() -> dict[str, ParagraphStyle]:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
        _registered = True
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=CJK_FONT, fontSize=11, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontSize=14, leading=20, spaceBefore=8, spaceAfter=4),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=12, textColor=colors.grey),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
    }


# Characters the CID font has no glyph for, and what to print instead.
_GLYPHS = {"·": " | ", "θ": "theta", "✅": "", "❌": "", "🟡": "", "🎉": "", "✔": "+", "✘": "-", "→": "->", "“": "\"",
           "”": "\""}


def pdf_safe(text: str) -> str:
    """Text the STSong-Light font can draw: known symbols replaced, other emoji dropped."""
    for char, replacement in _GLYPHS.items():
        text = text.replace(char, replacement)
    return "".join(ch for ch in text if ord(ch) < 0x1F000 and not 0x2600 <= ord(ch) < 0x2800).strip()


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
    """The worker's result (a dialogue.ResultView) as a PDF in the view's language."""
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


def transcript_pdf(session: Any, worker: Any, responses: Sequence[Any], messages: Sequence[Any]) -> bytes:
    """A trainer's transcript: session facts, every response with its psychometrics, and every message with its
    source. Bilingual headings (trainers may read either)."""
    s = _styles()
    story: list[Any] = [
        _p("测试记录 Transcript", s["title"]),
        _p(f"{worker.code} ({worker.display_name}) · {session.centre} · {session.role} · L{session.target_level} · "
           f"{session.started_at:%Y-%m-%d %H:%M} · {session.status} · code {session.resume_code} · bank {session.bank_version}",
           s["small"]),
    ]
    if session.level_reached is not None or session.ready is not None:
        story.append(_p(f"level reached 达到等级: {session.level_reached} · ready 达标: {session.ready}", s["body"]))
    story.append(_p("作答 Responses", s["h2"]))
    rows: list[list[Any]] = [["#", "item", "domain", "L", "a/b/c", "answer", "score", "theta / SE", "s"]]
    for r in responses:
        params = r.item_params or {}
        theta = r.theta.get(r.domain)
        se = r.se.get(r.domain)
        rows.append([
            r.seq, f"{r.item_id} v{r.item_version}" + (" (pilot)" if r.pilot else ""), r.domain, r.level,
            f"{params.get('a', '')}/{params.get('b', '')}/{params.get('c', '')}",
            r.answer if isinstance(r.answer, str) else ", ".join(map(str, r.answer or [])),
            f"{r.score:.2f}", f"{theta:.2f} / {se:.2f}" if theta is not None and se is not None else "",
            f"{r.seconds:.0f}" if r.seconds is not None else "",
        ])
    widths = [8 * mm, 24 * mm, 26 * mm, 7 * mm, 22 * mm, 38 * mm, 12 * mm, 24 * mm, 10 * mm]
    story.append(_table(rows, s["cell"], widths=widths))
    story.append(_p("对话 Messages", s["h2"]))
    for m in messages:
        source = f"[{m.speaker} · {m.kind} · {m.source}{' · ' + m.reason if m.reason else ''}]"
        story.append(_p(source, s["small"]))
        story.append(_p(m.text, s["body"]))
    return _build(story, "Transcript")
