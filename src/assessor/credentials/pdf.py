"""The certificate PDF: the claim in Chinese and English, and a QR code carrying the signed record.

The record string is also written into the PDF's Keywords, so `assessor verify FILE.pdf` reads it without
rendering the page. The whole file is signed too: after the PDF's final `%%EOF` line comes one comment line
`%ASC1-PDF-SIG <base64url Ed25519 signature of every byte before that line>` (PDF readers ignore it), so a
change to any byte of the file, visible text included, is caught. A PDF re-saved by another program loses that
line; it is then judged by its QR record alone, and `assessor verify` says so.
"""

from __future__ import annotations

import base64
import binascii
import io
from html import escape
from typing import Any

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from assessor.credentials.claim import Claim
from assessor.credentials.text import level_text, tx
from assessor.report.pdf import cjk_font, pdf_safe
from assessor.sync.keys import CentreKey

FILE_SIGNATURE = b"%ASC1-PDF-SIG "


class QRFlowable(Flowable):
    """A QR code of `data` (byte mode, error correction M) drawn as vector squares, `size` wide."""

    def __init__(self, data: str, size: float = 55 * mm) -> None:
        super().__init__()
        self.qr = segno.make(data, error="m", micro=False)
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = self.qr.matrix
        border = 4
        count = len(matrix) + 2 * border
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for row, line in enumerate(matrix):
            y = self.size - (row + border + 1) * module
            for col, dark in enumerate(line):
                if dark:
                    canvas.rect((col + border) * module, y, module, module, stroke=0, fill=1)


def _both(key: str, **values: object) -> str:
    return f"{tx(key, 'zh', **values)} / {tx(key, 'en', **values)}"


def _name(table: dict[str, Any] | None, key: str) -> str:
    found = (table or {}).get(key)
    return f"{found.name.get('zh')} / {found.name.get('en')}" if found is not None else key


def certificate_pdf(claim: Claim, record: str, bank: Any = None) -> bytes:
    """The certificate for `claim` with `record` (from `sign_record`) in its QR code and Keywords."""
    font = cjk_font().name
    body = ParagraphStyle("cert", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("cert-title", parent=body, fontSize=20, leading=28, alignment=1, spaceAfter=10)
    small = ParagraphStyle("cert-small", parent=body, fontSize=8, leading=11, textColor=colors.grey)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(pdf_safe(text)), style)

    level = {lang: level_text(claim.level, lang) for lang in ("zh", "en")}
    outcome = "ready" if claim.ready else "not_ready"
    rows = [
        [p(_both("worker")), p(claim.name)],
        [p(_both("role")), p(_name(bank.roles if bank is not None else None, claim.role))],
        [p(_both("level")), p(f"{level['zh']} / {level['en']}")],
        [p(_both("outcome")), p(f"{tx(outcome, 'zh', level=level['zh'])} / {tx(outcome, 'en', level=level['en'])}")],
        [p(_both("reached")), p(f"{level_text(claim.level_reached, 'zh')} / {level_text(claim.level_reached, 'en')}")],
        [p(_both("date")), p(claim.date)],
        [p(_both("centre")), p(claim.centre)],
        [p(_both("bank")), p(claim.bank_version)],
        [p(_both("id")), p(claim.id)],
    ]
    areas = [[p(_both("areas")), p("")]]
    areas += [[p(_name(bank.domains if bank is not None else None, d)), p(_both("band_" + b))] for d, b in claim.areas]
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    facts = Table(rows, colWidths=[42 * mm, 70 * mm], style=style)
    top = Table([[facts, QRFlowable(record)]], colWidths=[114 * mm, 60 * mm],
                style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    area_table = Table(areas, colWidths=[94 * mm, 80 * mm], style=style)
    story = [p(_both("title"), title), top, Spacer(1, 6), area_table, Spacer(1, 6),
             p(tx("how_to_verify", "zh"), small), p(tx("how_to_verify", "en"), small)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=14 * mm, title=f"{tx('title', 'zh')} {claim.id}", author=claim.centre,
                            subject=tx("title", "en"), keywords=record)
    doc.build(story)
    return buffer.getvalue()


def sign_pdf(pdf: bytes, key: CentreKey) -> bytes:
    """`pdf` with the file-signature comment line appended (see the module docstring)."""
    body = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    return body + FILE_SIGNATURE + base64.urlsafe_b64encode(key.sign(body)).rstrip(b"=") + b"\n"


def split_pdf_signature(content: bytes) -> tuple[bytes, bytes] | None:
    """(signed bytes, signature) of a signed certificate PDF; None when the file carries no signature line.

    A signature line that is not base64url gives an empty signature (which never verifies)."""
    at = content.rfind(b"\n" + FILE_SIGNATURE)
    if at < 0:
        return None
    encoded = content[at + 1 + len(FILE_SIGNATURE):].strip()
    try:
        signature = base64.urlsafe_b64decode(encoded + b"=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        signature = b""
    return content[:at + 1], signature
