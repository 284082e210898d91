"""CSV exports people open in a spreadsheet: UTF-8 with a BOM (Excel then reads Chinese),
money as plain yuan, and no cell a spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (a negative amount in yuan) is data, not a formula: left as it is.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_cell(value) -> str:
    """Text a spreadsheet will not run: a leading = + - @ (or tab, CR) gets a quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


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
    # Every cell again, whatever the caller did: csv_cell is idempotent, and an export
    # that forgot it must not become the one hole.
    writer.writerow([csv_cell(c) for c in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return out.getvalue()


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[str]], headers: dict | None = None):
    """Every export goes through here (tests check no service writes CSV another way)."""
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})})
