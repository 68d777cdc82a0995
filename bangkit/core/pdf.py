"""What every printable document shares (ReportLab, A4, built-in fonts): text the built-in fonts can show, the
paragraph styles, the A4 page with its margins, and the footer with "Halaman X dari Y" on every page.

The apps' documents (`programs.pdf`, `assistance.pdf`) build their pages from these, so that an attendance list, a
certificate report and a handover receipt look like one family of papers.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

# A4 less 15 mm margins and the frame's own padding: what a table may fill.
FRAME_WIDTH = 176 * mm
INK = colors.HexColor("#1f3a68")
HEADER_GREY = colors.HexColor("#e8e8e8")

# The built-in fonts cover Latin-1: other characters typed into the application are written plainly.
_PLAIN = str.maketrans({"→": "->", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."})


def latin1(text: Any) -> str:
    """`text` as the built-in fonts can show it: typographic marks made plain, accents dropped where needed."""
    value = str(text if text is not None else "").translate(_PLAIN)
    if all(ord(char) < 256 for char in value):
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if ord(char) < 256 and not unicodedata.combining(char))


def paragraph(text: Any, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (never markup: what a user typed is escaped)."""
    return Paragraph(escape(latin1(text)), style)


def shortened(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut with "..." where it would run past `width` (a long event title in a footer)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(f"{text}...", font, size) > width:
        text = text[:-1]
    return f"{text.rstrip()}..."


class NumberedCanvas(Canvas):
    """Holds each page back until the document ends, then writes "Halaman X dari Y" on every page, with
    `footer_text` on the left."""

    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, page in enumerate(self._held_pages, start=1):
            self.__dict__.update(page)
            self.saveState()
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.black)
            width = self._pagesize[0]
            page_number = latin1(_("Halaman %(page)d dari %(pages)d") % {"page": number, "pages": total})
            self.drawRightString(width - 15 * mm, 9 * mm, page_number)
            room = width - 30 * mm - stringWidth(page_number, "Helvetica", 7.5) - 6 * mm
            self.drawString(15 * mm, 9 * mm, shortened(latin1(self.footer_text), "Helvetica", 7.5, room))
            self.restoreState()
            super().showPage()
        super().save()


def canvas_with_footer(text: str) -> type[NumberedCanvas]:
    """A canvas class for `SimpleDocTemplate.build(canvasmaker=...)` that writes `text` and the page numbers."""
    return type("FooterCanvas", (NumberedCanvas,), {"footer_text": text})


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    bold: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    centred: ParagraphStyle


def text_styles() -> Styles:
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        bold=ParagraphStyle("bold", parent=body, fontName="Helvetica-Bold"),
        heading=ParagraphStyle(
            "heading", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
        ),
        title=ParagraphStyle(
            "title", parent=body, fontName="Helvetica-Bold", fontSize=15, leading=19, alignment=TA_CENTER
        ),
        centred=ParagraphStyle("centred", parent=body, fontSize=10, leading=13, alignment=TA_CENTER),
    )


def a4_document(buffer: io.BytesIO, title: str, *, top_margin: float = 15 * mm) -> SimpleDocTemplate:
    """A portrait A4 document with 15 mm margins and room at the bottom for the page-number footer."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=top_margin,
        bottomMargin=17 * mm,
        title=latin1(title),
        author="Bangkit",
    )


def signature_cells(number: int) -> list[str]:
    """The two halves of a signature column for row `number`: odd numbers sign on the left, even on the right, as
    paper lists do so that neighbours' signatures do not collide."""
    mark = f"{number}."
    return [mark, ""] if number % 2 else ["", mark]


def signature_list(rows: list[list[Any]], widths: list[float], *, padding: float, style: tuple[Any, ...] = ()) -> Table:
    """A numbered list whose last two columns are one signature column (`signature_cells`); the first row is the
    header, repeated on every page, with the signature title in the first of the two."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.black),
                # No line between the two halves of the signature column: it reads as one wide cell.
                ("LINEAFTER", (0, 0), (-3, -1), 0.4, colors.black),
                ("SPAN", (-2, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
                ("ALIGN", (0, 0), (0, -1), "RIGHT"),
                ("ALIGN", (-2, 0), (-2, 0), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (-2, 1), (-1, -1), "TOP"),
                ("FONT", (-2, 1), (-1, -1), "Helvetica", 7),
                ("TOPPADDING", (0, 1), (-1, -1), padding),
                ("BOTTOMPADDING", (0, 1), (-1, -1), padding),
                *style,
            ]
        )
    )
    return table
