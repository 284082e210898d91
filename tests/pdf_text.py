"""The text of a PDF, as a reader would copy it (pypdf)."""
from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text. pypdf reads the two-byte codes of an embedded CJK (CID-keyed CFF) font
    as one byte each and puts a NUL before every character (poppler's pdftotext reads them
    right), so the NULs go: what stays is the text in its order, spaces where the page has them."""
    return [page.extract_text(extraction_mode="layout").replace("\x00", "") for page in PdfReader(io.BytesIO(data)).pages]
