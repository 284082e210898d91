"""CSV exports people open in a spreadsheet: UTF-8 with a BOM (Excel then reads Chinese),
money as plain yuan, and no cell a spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import io
from typing import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Text a spreadsheet will not run: a leading = + - @ (or tab, CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def yuan_cell(fen) -> str:
    # Integer arithmetic, no thousands separator: a number a spreadsheet reads as one.
    if isinstance(fen, bool) or not isinstance(fen, int):
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[str]], headers: dict | None = None):
    """Rows must already be made safe with csv_cell / yuan_cell."""
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})})
