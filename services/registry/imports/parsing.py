"""Uploaded bytes → a table of cells, refusing what a village office would never send.

CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (what Excel on a Chinese
Windows saves as "CSV"); comma- or tab-separated. XLSX: the first worksheet, read
streaming (openpyxl read_only) with ``data_only=True`` so a formula is read as the value
Excel last computed, never evaluated; macros are refused, not run. Cells come back as
given (text, numbers, dates); turning them into fields is validation's job."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from shared.messages import Literal, Message, N_

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000               # data rows (one per member): ~60,000 households
MAX_COLUMNS = 60
MAX_UNZIPPED = 300 * 1024 * 1024  # an xlsx is a zip: refuse a "zip bomb" before reading it


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why (shown to the uploader, in
    English by the API and in the reader's language by the pages: ``said``)."""

    def __init__(self, text: str, **params):
        self.said = Message("file_refused", text, params)
        super().__init__(str(self.said))


@dataclass
class Table:
    headers: list
    rows: list = field(default_factory=list)   # [(1-based file row, [cell, ...]), ...], blank rows left out
    kind: str = "csv"


def kind_of(data: bytes, filename: str) -> str:
    """'xlsx' or 'csv' from the content (the name only breaks the tie); FileRefused otherwise."""
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused(N_("Old Excel (.xls) files are not accepted: save the sheet as .xlsx or CSV."))
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused(N_("This is not a valid .xlsx file."))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(N_("This is not a CSV or .xlsx file."))
    return "csv"


def read_table(data: bytes, filename: str = "") -> Table:
    if len(data) > MAX_BYTES:
        raise FileRefused(N_("The file is larger than %(mb)s MB; split it."), mb=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise FileRefused(N_("The file is empty."))
    kind = kind_of(data, filename)
    return _table(_xlsx_rows(data) if kind == "xlsx" else _csv_rows(data), kind)


def _table(rows, kind: str) -> Table:
    table, count = None, 0
    for number, cells in rows:
        cells = list(cells)
        while cells and _blank(cells[-1]):
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise FileRefused(N_("Row %(row)s has more than %(n)s columns."), row=number, n=MAX_COLUMNS)
        if table is None:   # the first non-blank row is the header
            table = Table(headers=[_text(c) for c in cells], kind=kind)
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileRefused(N_("More than %(n)s rows; split the file."), n=f"{MAX_ROWS:,}")
        table.rows.append((number, cells))
    if table is None:
        raise FileRefused(N_("The file has no header row."))
    return table


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


# --- CSV ----------------------------------------------------------------------------------
def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(data, "gb18030")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRefused(N_("The file's text is neither UTF-8 nor GB18030 (GBK); save it as CSV UTF-8.")) from None


def _csv_rows(data: bytes):
    text = decode(data)
    if "\x00" in text:
        raise FileRefused(N_("This is not a CSV or .xlsx file."))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    # Rows are numbered as a spreadsheet shows them (one per record, even if a quoted cell
    # spans lines), so a row number in an error report finds the row when opened in Excel.
    # The csv module's own cell limit (128 KiB) stops a runaway quote; validation reports
    # cells over 200 characters by row and column.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise FileRefused(N_("Line %(line)s: not valid CSV (%(problem)s)."), line=reader.line_num, problem=Literal(str(exc))) from None


# --- XLSX ---------------------------------------------------------------------------------
def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook   # imported here: only an xlsx upload needs it

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
            raise FileRefused(N_("The .xlsx file unpacks to more than 300 MB; it is refused."))
    except zipfile.BadZipFile:
        raise FileRefused(N_("This is not a valid .xlsx file.")) from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused(N_("Workbooks with macros are not accepted: save it as .xlsx (no macros)."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:   # openpyxl raises many kinds (KeyError, ValueError, XML errors)
        raise FileRefused(N_("This .xlsx file cannot be read (%(problem)s)."), problem=Literal(type(exc).__name__)) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()   # some writers declare a wrong used range; read every row
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, cells
    except FileRefused:
        raise
    except Exception as exc:
        raise FileRefused(N_("This .xlsx file cannot be read (%(problem)s)."), problem=Literal(type(exc).__name__)) from None
    finally:
        workbook.close()
