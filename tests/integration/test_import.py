"""Bulk import of household files, on the real store: every bad row reported and nothing
written; good CSV and XLSX files imported with their events; re-import and resume create
nothing twice; county scope; 20,000 households; the CLI's progress."""
import csv
import io
import os
import subprocess
import sys
import time

import pytest
from openpyxl import Workbook

from services.registry.domain.id_numbers import check_digit
from services.registry.imports.runs import FINAL
from shared.events.types.registry import IDENTIFIED
from tests.integration.registry_support import new_household
from tests.support import ROOT, official_villages, read_topic, wait_until

ZH = ["户编号", "村代码", "乡镇", "村", "主要致贫原因", "人均纯收入（元）", "不愁吃", "不愁穿", "姓名", "与户主关系", "性别",
      "出生年份", "身份证号"]


def id_for(k: int, year: int) -> str:
    """A valid ID number, unique for each k below 336,000 (month, day and sequence from k)."""
    first17 = f"621202{year}{1 + k % 12:02d}{1 + k // 12 % 28:02d}{k // 336 % 1000:03d}"
    return first17 + check_digit(first17)


def row(ref, name, relation, sex, year, number="", village="621202104201", cause="因病", income="2100.50"):
    return [ref, village, "汉王镇", "寺背村", cause, income, "是", "是", name, relation, sex, str(year), number]


def households(n: int, prefix: str, offset: int) -> list:
    """n households of three (head and spouse with ID numbers, a child without)."""
    rows, villages = [], official_villages("621202")
    for i in range(n):
        village = villages[i % len(villages)]
        for j, (relation, sex, year) in enumerate((("户主", "男", 1960 + i % 30), ("配偶", "女", 1962 + i % 30),
                                                   ("子女", "女", 1990 + i % 20))):
            rows.append(row(f"{prefix}{i:06d}", f"姓名{i}-{j}", relation, sex, year,
                            id_for(offset + 2 * i + j, year) if j < 2 else "", village=village))
    return rows


def csv_bytes(rows, header=ZH, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(system, data: bytes, name: str, user="central", dry_run=False, expect=202):
    r = system.client("registry").post("/api/imports" + ("?dry_run=true" if dry_run else ""),
                                       data={"file": (io.BytesIO(data), name)}, headers=system.headers(user),
                                       content_type="multipart/form-data")
    assert r.status_code == expect, (r.status_code, r.get_json())
    return r.get_json()


def finished(system, job_id: str, user="central", timeout=60) -> dict:
    def state():
        r = system.client("registry").get(f"/api/imports/{job_id}", headers=system.headers(user))
        assert r.status_code == 200, r.get_json()
        job = r.get_json()
        return job if job["status"] in FINAL or job["resumable"] else None
    return wait_until(state, timeout=timeout, interval=0.3, message=f"import job {job_id}")


def results(system, job_id: str, user="central") -> list[dict]:
    r = system.client("registry").get(f"/api/imports/{job_id}/results.csv", headers=system.headers(user))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))


def counts(system) -> dict:
    db = system.db("registry")
    return {name: db[name].count_documents({}) for name in ("households", "persons", "outbox_marks")}


def test_a_file_with_bad_rows_reports_every_bad_row_and_field_and_writes_nothing(system):
    taken = id_for(300_001, 1975)
    new_household(system, members=[{"name": "赵军", "relation": "head", "sex": "male", "birth_year": 1975,
                                    "id_number": taken}])
    head = id_for(300_002, 1968)
    rows = [row("A-1", "王建国", "户主", "男", 1968, head),
            row("A-1", "李秀英", "配偶", "女", "19x0"),                 # 3: not a year
            row("B-2", "赵军", "户主", "男", 1975, taken),               # 4: already in another household
            row("C-3", "钱", "户主", "男", 1970, cause="hunger"),       # 5: not a cause
            row("C-3", "钱二", "子女", "男", 1968, head, cause="hunger"),  # 6: the same ID number as row 2
            row("D-4", "孙", "配偶", "女", 1971),                        # 7: no head
            row("E-5", "李", "户主", "男", 1972, income="abc")]          # 8: not an amount
    before = counts(system)
    job = finished(system, upload(system, csv_bytes(rows), "bad.csv")["id"])
    assert job["status"] == "failed" and not job["resumable"]
    assert [(e["row"], e["field"]) for e in job["errors"]] == [
        (3, "出生年份"), (4, "身份证号"), (5, "主要致贫原因"), (6, "身份证号"), (7, "与户主关系"), (8, "人均纯收入（元）")]
    assert job["error_count"] == 6 and job["created"] == 0
    messages = [e["message"] for e in job["errors"]]
    assert "already belongs to household H621202" in messages[1] and "same ID number as row 2" in messages[3]
    assert counts(system) == before   # no household, no claim, no outbox event (nor its mark)
    assert system.db("registry")["import_files"].count_documents({"job_id": job["id"]}) == 0
    r = system.client("registry").get(f"/api/imports/{job['id']}", headers=system.headers("county_wudu"))
    assert r.status_code == 404   # the central office's job is not a county's to read


def test_a_good_csv_imports_with_its_events_and_a_reimport_creates_nothing_new(system):
    system.procs.start("registry-relay")
    try:
        rows = households(3, "GB-", 1000)
        data = csv_bytes(rows, encoding="gb18030")   # what Excel saves as "CSV" on a Chinese Windows
        job = finished(system, upload(system, data, "村里的表.csv")["id"])
        assert (job["status"], job["rows"], job["total"], job["created"], job["already_present"]) == ("done", 9, 3, 3, 0)
        made = results(system, job["id"])
        assert [(r["household_ref"], r["status"], r["row"]) for r in made] == [
            ("GB-000000", "created", "2"), ("GB-000001", "created", "5"), ("GB-000002", "created", "8")]
        file = system.client("registry").get(f"/api/households/{made[0]['household_id']}",
                                             headers=system.headers("central")).get_json()
        assert file["head_name"] == "姓名0-0" and [m["relation"] for m in file["members"]] == ["head", "spouse", "child"]
        assert file["income_per_capita_fen"] == 210050 and file["guarantees"]["food"] is True
        assert file["members"][0]["id_number"] == rows[0][12] and file["created_by"] == "central"
        # Each file's own events, published by the relay (it finds them by their marks).
        records = read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.topics.registry, expect=4, timeout=40)
        identified = {r.key.decode() for r in records
                      if dict(r.headers).get("ce_type", b"").decode() == IDENTIFIED.type}
        assert {r["household_id"] for r in made} <= identified

        before = counts(system)
        again = finished(system, upload(system, csv_bytes(rows), "same-file-utf8.csv")["id"])
        assert (again["status"], again["created"], again["already_present"]) == ("done", 0, 3)
        assert [(r["household_id"], r["status"]) for r in results(system, again["id"])] == [
            (r["household_id"], "already_present") for r in made]
        assert {k: v for k, v in counts(system).items() if k != "outbox_marks"} == \
            {k: v for k, v in before.items() if k != "outbox_marks"}
    finally:
        system.procs.kill("registry-relay")


def test_an_xlsx_file_imports(system):
    book = Workbook()
    sheet = book.active
    sheet.append(["household_ref", "village_code", "township", "village", "main_cause", "income_per_capita_yuan",
                  "name", "relation", "sex", "birth_year", "id_number", "health"])
    sheet.append(["X-1", 621202104201, "汉王镇", "寺背村", "lack_of_funds", 1800, "周大", "head", "male", 1966,
                  id_for(2000, 1966), "长期慢性病"])
    sheet.append(["X-1", None, None, None, None, None, "吴氏", "spouse", "female", 1969, id_for(2001, 1969), None])
    sheet.append([])
    sheet.append(["X-2", "621202104202", "汉王镇", "柳园村", "因灾", 950.5, "郑三", "户主", "男", 1958, None, "残疾"])
    out = io.BytesIO()
    book.save(out)
    job = finished(system, upload(system, out.getvalue(), "households.xlsx")["id"])
    assert (job["status"], job["rows"], job["total"], job["created"]) == ("done", 3, 2, 2)
    made = {r["household_ref"]: r for r in results(system, job["id"])}
    assert made["X-2"]["row"] == "5"   # the blank row keeps its number
    x2 = system.client("registry").get(f"/api/households/{made['X-2']['household_id']}",
                                       headers=system.headers("central")).get_json()
    assert x2["income_per_capita_fen"] == 95050 and x2["members"][0]["health"] == "disabled"


def test_a_household_in_a_village_the_official_codes_do_not_have_is_its_rows_error(system):
    # 621202100201 is written like a village of Wudu, but the official codes have none such.
    rows = [row("O-1", "武都", "户主", "男", 1960), row("O-2", "武都", "户主", "男", 1961, village="621202100201")]
    before = counts(system)
    job = finished(system, upload(system, csv_bytes(rows), "unofficial.csv")["id"])
    assert job["status"] == "failed"
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(3, "村代码")]
    assert "621202100201 is not a village in the official codes" in job["errors"][0]["message"]
    assert counts(system) == before


def test_who_may_import_and_a_county_operator_only_their_county(system):
    rows = [row("W-1", "武都", "户主", "男", 1960), row("W-2", "文县", "户主", "男", 1961, village="621222100201")]
    before = counts(system)
    job = finished(system, upload(system, csv_bytes(rows), "two-counties.csv", user="county_wudu")["id"], "county_wudu")
    assert job["status"] == "failed"
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(3, "村代码")]
    assert "Outside your county (621202)" in job["errors"][0]["message"]
    assert counts(system) == before
    for user in ("auditor", "ecommerce_op"):
        upload(system, csv_bytes(rows[:1]), "f.csv", user=user, expect=403)
    upload(system, csv_bytes(rows[:1]), "f.csv", user=None, expect=401)
    r = system.client("registry").get(f"/api/imports/{job['id']}", headers=system.headers("county_wenxian"))
    assert r.status_code == 404
    own = finished(system, upload(system, csv_bytes(rows[:1]), "f.csv", user="cadre_wudu")["id"], "cadre_wudu")
    assert (own["status"], own["created"], own["county"], own["uploaded_by"]) == ("done", 1, "621202", "cadre_wudu")


def test_a_dry_run_checks_and_writes_nothing(system):
    before = counts(system)
    job = finished(system, upload(system, csv_bytes(households(4, "DRY-", 3000)), "f.csv", dry_run=True)["id"])
    assert (job["status"], job["total"], job["created"]) == ("valid", 4, 0)
    assert counts(system) == before


def test_a_job_that_died_while_writing_is_resumed_and_completes_without_duplicates(system, monkeypatch):
    importer = system.app("registry").extensions["registry"].imports.importer
    repo, protection = importer.households, importer.protection
    monkeypatch.setattr(importer, "batch", 2)
    real, calls = repo.create_many, []

    def dies_on_the_second_batch(items, by):
        calls.append(len(items))
        if len(calls) == 2:   # the claims are taken, then the process "dies" before the files are written
            repo.claims.persons.insert_many([
                {"_id": protection.hash(m["id_number"]), "household_id": hid, "member_id": "M000000000000"}
                for hid, fields in items for m in fields["members"] if m.get("id_number")])
            raise RuntimeError("simulated crash")
        return real(items, by)

    monkeypatch.setattr(repo, "create_many", dies_on_the_second_batch)
    rows = households(5, "RES-", 4000)
    job = finished(system, upload(system, csv_bytes(rows), "resume.csv")["id"])
    assert (job["status"], job["resumable"], job["created"], job["processed"]) == ("failed", True, 2, 2)
    assert "simulated crash" in job["errors"][0]["message"]

    monkeypatch.setattr(repo, "create_many", real)
    r = system.client("registry").post(f"/api/imports/{job['id']}/resume", headers=system.headers("central"))
    assert r.status_code == 202, r.get_json()
    done = finished(system, job["id"])
    assert (done["status"], done["created"], done["already_present"], done["processed"]) == ("done", 5, 0, 5)
    ids = [x["household_id"] for x in results(system, job["id"])]
    assert len(set(ids)) == 5
    assert system.db("registry")["households"].count_documents({"_id": {"$in": ids}}) == 5
    # The claims the dead attempt left now name the members written (else they would look stale).
    for household_id in ids:
        for member in repo.get(household_id)["members"]:
            if member.get("id_hash"):
                assert repo.claims.where(member["id_hash"]) == household_id
    assert system.client("registry").post(f"/api/imports/{job['id']}/resume",
                                          headers=system.headers("central")).status_code == 409
    assert system.db("registry")["import_files"].count_documents({"job_id": job["id"]}) == 0


def test_the_import_pages(system):
    client, headers = system.client("registry"), system.headers("central")
    page = client.get("/imports", headers=headers)
    assert page.status_code == 200 and b'name="csrf_token"' in page.data and b'type="file"' in page.data
    template = client.get("/imports/template.csv", headers=headers)
    assert template.status_code == 200
    r = client.post("/imports", headers=headers, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(template.data), "template.csv"), "dry_run": "on"})
    assert r.status_code == 303
    job_id = r.headers["Location"].rsplit("/", 1)[-1]
    assert finished(system, job_id)["status"] == "valid"   # the template itself is a valid file
    job_page = client.get(f"/imports/{job_id}", headers=headers)
    assert job_page.status_code == 200 and b'id="import-progress"' in job_page.data
    assert job_id.encode() in client.get("/imports", headers=headers).data


def test_twenty_thousand_households_import_completely(system):
    rows = households(20_000, "BIG-", 10_000)
    data = csv_bytes(rows)
    assert len(data) > 2 * 1024 * 1024   # above the API's usual body cap: the upload route accepts it
    before = system.db("registry")["households"].estimated_document_count()
    started = time.monotonic()
    job = upload(system, data, "twenty-thousand.csv")
    job = finished(system, job["id"], timeout=170)
    elapsed = time.monotonic() - started
    print(f"\n20,000 households ({len(rows):,} rows, {len(data) / 1e6:.1f} MB) imported in {elapsed:.1f}s")
    assert (job["status"], job["total"], job["processed"], job["created"], job["error_count"]) == \
        ("done", 20_000, 20_000, 20_000, 0)
    assert system.db("registry")["households"].estimated_document_count() == before + 20_000
    assert len(results(system, job["id"])) == 20_000


def test_the_cli_prints_progress_and_the_error_report(system, tmp_path):
    env = {**os.environ, **system.env, "PYTHONPATH": str(ROOT)}
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes(households(600, "CLI-", 200_000)))
    bad.write_bytes(csv_bytes([row("Q-1", "甲", "配偶", "男", 1960), row("Q-2", "乙", "户主", "男", "abcd")]))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "services.registry.imports.cli", *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    dry = cli(str(good), "--user", "county_wudu", "--dry-run")
    assert dry.returncode == 0 and "valid: 1,800 rows, 600 households" in dry.stdout, dry.stdout + dry.stderr
    run = cli(str(good), "--user", "county_wudu")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "checked 1,800 rows: 600 households" in run.stdout
    assert "writing: 500/600 households (83%)" in run.stdout and "writing: 600/600 households (100%)" in run.stdout
    assert "done: 600 households from 1,800 rows" in run.stdout and "600 created" in run.stdout
    again = cli(str(good), "--user", "county_wudu")
    assert again.returncode == 0 and "0 created, 600 already present" in again.stdout
    failed = cli(str(bad), "--user", "county_wudu")
    assert failed.returncode == 1
    assert "2 error(s) in bad.csv; nothing was written" in failed.stdout
    assert "row 2\t与户主关系" in failed.stdout and "row 3\t出生年份" in failed.stdout
    assert cli(str(good), "--user", "auditor").returncode == 2
