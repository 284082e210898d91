"""The household card as a PDF (fpdf2), from the same layout as the print page: one card per
A4 page or more, the font embedded so that a viewer without Chinese fonts shows the names.

The font is a CJK font the set-up installs (Noto Sans CJK, Debian's fonts-noto-cjk; see
docs/decisions.md), read from the settings (CARD_FONT, CARD_FONT_NUMBER: a font collection's
member, Simplified Chinese in Noto's). fpdf2 embeds only the glyphs a document uses."""
from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from services.registry.ui.card_layout import Card, Section, Table

FAMILY = "card"
MARGIN_MM = 15
GREY = (238, 240, 243)
LINE_MM = 4.4          # a table row's line: a card of a usual household fits one A4 page
PADDING_MM = (0.6, 1)
HEADINGS = FontFace(emphasis="", fill_color=GREY)


class FontMissing(RuntimeError):
    """The card's font is not where the settings say (the set-up installs it)."""


class _CardPdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-10)
        self.set_font(FAMILY, size=7)
        self.set_text_color(102, 102, 119)
        self.cell(0, 4, f"{self.footer_text} · {self.page_no()}/{{nb}}", align=Align.C)
        self.set_text_color(0, 0, 0)


def _table(pdf: FPDF, table: Table) -> None:
    if table.caption:
        pdf.set_font(FAMILY, size=9)
        pdf.multi_cell(0, 4.5, table.caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=8)
    with pdf.table(col_widths=table.widths or None, headings_style=HEADINGS, line_height=LINE_MM, text_align="LEFT",
                   padding=PADDING_MM) as out:
        for row in [table.headers] + table.rows:
            cells = out.row()
            for i, text in enumerate(row):
                cells.cell(text, align=Align.R if i in table.numeric else Align.L)
    pdf.ln(1.5)


def _pairs(pdf: FPDF, pairs: list[tuple[str, str]]) -> None:
    pdf.set_font(FAMILY, size=9)
    with pdf.table(col_widths=(1, 3), first_row_as_headings=False, line_height=LINE_MM, text_align="LEFT",
                   borders_layout=TableBordersLayout.HORIZONTAL_LINES, padding=PADDING_MM) as out:
        for label, value in pairs:
            row = out.row()
            row.cell(label)
            row.cell(value)
    pdf.ln(1.5)


def _section(pdf: FPDF, section: Section) -> None:
    pdf.set_font(FAMILY, size=11)
    pdf.set_fill_color(*GREY)
    pdf.cell(0, 6, section.title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    if section.pairs:
        _pairs(pdf, section.pairs)
    for table in section.tables:
        _table(pdf, table)
    pdf.set_font(FAMILY, size=9)
    for note in section.notes:
        pdf.multi_cell(0, 4.5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def cards_pdf(cards: list[Card], font: str, font_number: int = 0, title: str = "", lang: str = "zh-CN") -> bytes:
    """One PDF of ``cards``, each beginning on a page of its own."""
    pdf = _CardPdf(format="A4", unit="mm")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    try:
        pdf.add_font(FAMILY, "", font, collection_font_number=font_number)
    except FileNotFoundError as exc:
        raise FontMissing(f"the card's font is missing: {font} (make setup installs it)") from exc
    pdf.set_title(title or (cards[0].title if cards else ""))
    pdf.set_lang(lang)
    pdf.set_creator("Jingzhun")
    for card in cards:
        pdf.footer_text = card.footer
        pdf.add_page()
        pdf.set_font(FAMILY, size=15)
        pdf.cell(0, 9, card.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(0, 7, f"{card.heading}  {card.household_id}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        for section in card.sections:
            _section(pdf, section)
    if not cards:
        pdf.add_page()
    return bytes(pdf.output())
