"""Hostile files in and out: an import with formulas and huge cells is handled safely (the
formula is kept as text and never comes back out as one; a huge cell is refused with its row
and column, never a 500), and every CSV export of every service (routes found in each app)
quotes a cell a spreadsheet would run."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from shared.web.csv_export import FORMULA_STARTS, PLAIN_NUMBER
from tests.integration.hardening_support import bounded_query, create_apps, fill, login_session, routes
from tests.integration.test_import import csv_bytes, finished, id_for, results, row, upload
from tests.support import ROOT

FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://evil\",\"x\")"]


def unsafe_cells(text: str) -> list[str]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return [cell for line in reader for cell in line
            if cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell)]


def test_formulas_in_an_import_stay_text_and_come_back_quoted(system):
    rows = [row(formula, f"王{i}", "户主", "男", 1970, id_for(400_000 + i, 1970)) for i, formula in enumerate(FORMULAS)]
    job = finished(system, upload(system, csv_bytes(rows), "formulas.csv")["id"])
    assert job["status"] == "done", job
    got = results(system, job["id"])
    assert sorted(r["household_ref"] for r in got) == sorted("'" + f for f in FORMULAS)
    r = system.client("registry").get(f"/api/imports/{job['id']}/results.csv", headers=system.headers("central"))
    assert unsafe_cells(r.get_data(as_text=True)) == []


@pytest.mark.parametrize("size", [10_000, 1_000_000])
def test_a_huge_cell_is_refused_with_its_place_not_a_crash(system, size):
    rows = [row("HUGE-1", "王" * size, "户主", "男", 1970)]
    r = system.client("registry").post("/api/imports", data={"file": (io.BytesIO(csv_bytes(rows)), "huge.csv")},
                                       headers=system.headers("central"), content_type="multipart/form-data")
    assert r.status_code in (202, 413, 422), r.get_data(as_text=True)[:300]
    if r.status_code == 202:
        job = finished(system, r.get_json()["id"])
        assert job["status"] == "failed" and job["created"] == 0
        assert job["errors"] and all(e["row"] in (None, 2) for e in job["errors"]), job["errors"]


def test_every_csv_export_of_every_service_is_formula_safe(system):
    apps = create_apps(system.env)
    exports = 0
    for service, app in apps.items():
        for rule, method, endpoint in routes(app):
            if method != "GET" or rule.arguments - {"job_id"}:
                continue
            client = app.test_client()
            headers = system.headers("central") if rule.rule.startswith("/api/") else {}
            if not headers:
                login_session(client, "central")
            path = fill(rule)
            if "job_id" in rule.arguments:
                continue
            query = bounded_query(app, rule)
            r = client.get(path + (f"?{query}" if query else ""), headers=headers)
            if r.mimetype != "text/csv":
                continue
            exports += 1
            assert r.status_code == 200, (service, rule.rule)
            assert unsafe_cells(r.get_data(as_text=True)) == [], (service, rule.rule)
    assert exports >= 5


def test_no_service_writes_csv_but_through_the_shared_export():
    """csv_response/csv_text quote every cell; a CSV written another way would be the hole."""
    offenders = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.writer|csv\.DictWriter|mimetype=\"text/csv\"|mimetype='text/csv'", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
