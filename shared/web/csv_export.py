"""CSV exports people open in a spreadsheet: UTF-8 with a BOM (Excel then reads Chinese),
money as plain yuan, and no cell a spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (a negative amount from yuan_cell) is data, not a formula: the safety net
# in csv_text leaves it as it is.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_cell(value) -> str:
    """Text a spreadsheet will not run: a leading = + - @ (or tab, CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safety_net(value) -> str:
    text = "" if value is None else str(value)
    return text if PLAIN_NUMBER.fullmatch(text) else csv_cell(text)


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
    # Every cell again, whatever the caller did (a quoted cell starts with ' and stays as
    # it is): an export that forgot csv_cell must not become the one hole.
    writer.writerow([_safety_net(c) for c in header])
    writer.writerows([_safety_net(c) for c in row] for row in rows)
    return out.getvalue()


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[str]], headers: dict | None = None):
    """Every export goes through here (tests check no service writes CSV another way)."""
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})})
