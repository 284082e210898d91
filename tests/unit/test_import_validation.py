"""Bulk import, pure parts: reading files, headers, Chinese labels, grouping, and every kind
of row error named by its file row and column."""
import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import Workbook

from shared.household_ids import PATTERN
from services.registry.domain import households as domain
from services.registry.domain.id_numbers import check_digit
from services.registry.imports import parsing
from services.registry.imports.parsing import FileRefused, read_table
from services.registry.imports.validation import (COLUMNS, LABELS, CellRefused, enum_value, household_id_for,
                                                  import_key, map_headers, validate, yes_no, yuan_to_fen)

ROOT = Path(__file__).resolve().parents[2]
KEY = import_key("unit-test-secret")
ZH = ["户编号", "村代码", "乡镇", "村", "主要致贫原因", "人均纯收入（元）", "姓名", "与户主关系", "性别", "出生年份", "身份证号"]


def id_number(year: int, seq: int = 1) -> str:
    first17 = f"621202{year}0101{seq:03d}"
    return first17 + check_digit(first17)


def member(ref, name, relation, sex, year, number="", village="621202100201", cause="因病", income="2100.50"):
    return [ref, village, "汉王镇", "寺背村", cause, income, name, relation, sex, str(year), number]


GOOD = [member("A-1", "王建国", "户主", "男", 1968, id_number(1968, 1)),
        member("A-1", "李秀英", "配偶", "女", 1970, id_number(1970, 2)),
        member("B-2", "赵军", "户主", "男", 1975, id_number(1975, 3))]


def csv_bytes(rows, header=ZH, encoding="utf-8", delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def check(rows, header=ZH, scope=None):
    table = read_table(csv_bytes(rows, header), "f.csv")
    return validate(table.headers, table.rows, KEY, scope)


def errors_of(result):
    return [(e["row"], e["field"]) for e in result.errors]


# --- headers ----------------------------------------------------------------------------
def test_headers_in_chinese_or_english_whatever_the_spelling():
    columns, errors = map_headers(["*户编号", "Village Code", "乡(镇)", "村", "main-cause", "人均纯收入(元)", " 姓名 ",
                                   "RELATION", "性别", "birth_year", "", "身份证号码"])
    assert errors == []
    assert columns["village_code"] == 1 and columns["township"] == 2 and columns["id_number"] == 11
    assert "remarks" not in columns   # the unnamed column is ignored


def test_unknown_duplicate_and_missing_columns_are_errors_on_row_1():
    _, errors = map_headers(["户编号", "姓名", "name", "村代码", "备注"])
    by_field = {e["field"]: e["message"] for e in errors}
    assert all(e["row"] == 1 for e in errors)
    assert "Unknown column" in by_field["备注"]
    assert "same column" in by_field["name"]
    assert {"township", "village", "main_cause", "income_per_capita_yuan", "relation", "sex", "birth_year"} <= set(by_field)


def test_a_header_problem_stops_before_the_rows():
    result = check(GOOD, header=ZH[:-2] + ["出生日期", "身份证号"])
    assert errors_of(result) == [(1, "出生日期"), (1, "birth_year")]
    assert result.households == []


# --- values -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind, codes", [("cause", domain.CAUSES), ("relation", domain.RELATIONS), ("sex", domain.SEXES),
                                         ("health", domain.HEALTH), ("education", domain.EDUCATION),
                                         ("labour", domain.LABOUR), ("schooling", domain.SCHOOLING)])
def test_every_code_has_labels_and_the_uis_chinese_label_comes_first(kind, codes):
    with open(ROOT / "shared/translations/zh_CN/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    assert set(LABELS[kind]) == set(codes)
    for code in codes:
        assert LABELS[kind][code][0] == catalog.get(code).string, code
        assert enum_value(kind, catalog.get(code).string) == code
        assert enum_value(kind, code) == code
        assert enum_value(kind, code.upper().replace("_", " ")) == code


def test_labels_from_paper_forms():
    assert enum_value("relation", "之子") == "child" and enum_value("relation", "之妻") == "spouse"
    assert enum_value("education", "文盲或半文盲") == "none" and enum_value("labour", "丧失劳动力") == "none"
    with pytest.raises(CellRefused, match="illness \\(因病\\)"):
        enum_value("cause", "hunger")


@pytest.mark.parametrize("text, fen", [("2100", 210000), ("2100.5", 210050), ("2,100.05", 210005), ("0", 0)])
def test_yuan_to_fen_is_exact(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["abc", "1.234", "-5", "12 yuan", ""])
def test_yuan_refuses_what_is_not_an_amount(text):
    with pytest.raises(CellRefused):
        yuan_to_fen(text)


def test_yes_no():
    assert [yes_no(v) for v in ("是", "Yes", "1", "√", "否", "no", "0", "×")] == [True] * 4 + [False] * 4
    with pytest.raises(CellRefused):
        yes_no("maybe")


# --- households -------------------------------------------------------------------------
def test_rows_group_into_households_with_household_columns_on_one_row_only():
    rows = [member("A-1", "王建国", "户主", "男", 1968),
            ["B-2", "621202100202", "汉王镇", "柳园村", "缺资金", "900", "赵军", "户主", "男", "1975", ""],
            ["A-1", "", "", "", "", "", "李秀英", "配偶", "女", "1970", ""]]   # not next to its household
    result = check(rows)
    assert result.errors == []
    a, b = result.households
    assert (a.ref, a.rows, [m["name"] for m in a.fields["members"]]) == ("A-1", [2, 4], ["王建国", "李秀英"])
    assert a.fields["income_per_capita_fen"] == 210050 and a.fields["main_cause"] == "illness"
    assert b.fields["main_cause"] == "lack_of_funds" and b.county == "621202"


def test_ids_are_deterministic_per_county_and_reference_and_look_like_every_household_id():
    first, again = check(GOOD).households, check(GOOD).households
    assert [h.household_id for h in first] == [h.household_id for h in again]
    assert all(re.match(PATTERN, h.household_id) and h.household_id[1:7] == "621202" for h in first)
    assert household_id_for(KEY, "621202", "A-1") != household_id_for(KEY, "621222", "A-1")
    assert household_id_for(KEY, "621202", "A-1") != household_id_for(import_key("another secret"), "621202", "A-1")


def test_every_kind_of_row_error_is_named_by_row_and_column():
    rows = [
        member("A-1", "王建国", "户主", "男", 1968),
        member("A-1", "李秀英", "配偶", "女", 1970, village="621202100209"),      # 3: differs from row 2
        member("B-2", "", "户主", "男", 1975),                                     # 4: name missing
        member("C-3", "甲", "户主", "男", "19x5"),                                  # 5: not a year
        member("D-4", "乙", "户主", "男", 1980, id_number(1980)[:-1] + "Z"),       # 6: bad ID number
        member("E-5", "丙", "户主", "男", 1981, id_number(1990, 7)),               # 7: birth year ≠ ID number
        member("F-6", "丁", "配偶", "女", 1982),                                   # 8: no head
        member("G-7", "戊", "户主", "男", 1983, cause="hunger", income="12.345"),  # 9: cause, income
        member("", "己", "户主", "男", 1984),                                      # 10: no reference
        member("H-8", "庚", "户主", "男", 1985, village="62120210"),               # 11: village code
        member("I-9", "辛", "户主", "未知", 1986),                                 # 12: sex
        member("J-10", "壬" * 60, "户主", "男", 1987),                             # 13: name too long
        member("K-11", "癸", "户主", "男", 1988),
        member("K-11", "子", "户主", "男", 2010),                                  # 14-15: two heads
    ]
    result = check(rows)
    assert errors_of(result) == [
        (3, "村代码"), (4, "姓名"), (5, "出生年份"), (6, "身份证号"), (7, "身份证号"), (8, "与户主关系"),
        (9, "主要致贫原因"), (9, "人均纯收入（元）"), (10, "户编号"), (11, "村代码"), (12, "性别"), (13, "姓名"),
        (14, "与户主关系")]
    messages = {(e["row"], e["field"]): e["message"] for e in result.errors}
    assert "Differs from row 2" in messages[(3, "村代码")]
    assert "check digit" in messages[(6, "身份证号")] or "18-character" in messages[(6, "身份证号")]
    assert "birth year" in messages[(7, "身份证号")]
    assert "exactly one head" in messages[(8, "与户主关系")] and "exactly one head" in messages[(14, "与户主关系")]
    assert "hunger" in messages[(9, "主要致贫原因")] and "two decimals" in messages[(9, "人均纯收入（元）")]
    assert [h.ref for h in result.households] == []   # A-1 is wrong too (row 3); none is written anyway


def test_a_row_with_a_refused_cell_and_schema_problems_reports_both_once():
    rows = [member("A-1", "甲", "配偶", "男", "19x5", income="abc")]
    assert errors_of(check(rows)) == [(2, "人均纯收入（元）"), (2, "与户主关系"), (2, "出生年份")]


def test_the_same_id_number_twice_in_the_file():
    number = id_number(1968, 9)
    rows = [member("A-1", "王建国", "户主", "男", 1968, number),
            member("B-2", "王建国", "户主", "男", 1968, number),       # another household
            member("B-2", "王二", "子女", "男", 1968, number)]         # and within one
    result = check(rows)
    assert errors_of(result) == [(3, "身份证号"), (4, "身份证号")]
    assert all("same ID number as row 2" in e["message"] for e in result.errors)


def test_county_operators_import_only_their_county():
    rows = GOOD + [member("Z-9", "外县", "户主", "男", 1970, village="621222100201")]
    assert errors_of(check(rows, scope="621202")) == [(5, "村代码")]
    assert check(rows).errors == []


def test_the_head_name_column_must_match_the_head():
    header = ZH + ["户主"]
    rows = [member("A-1", "王建国", "户主", "男", 1968) + ["王建国"], member("B-2", "赵军", "户主", "男", 1975) + ["赵君"]]
    result = check(rows, header=header)
    assert errors_of(result) == [(3, "户主")] and "赵军" in result.errors[0]["message"]


def test_household_level_columns_guarantees_cadre_and_secondary_causes():
    header = ZH + ["不愁吃", "住房安全有保障", "其他致贫原因", "帮扶责任人", "帮扶责任人电话"]
    good = member("A-1", "王建国", "户主", "男", 1968) + ["是", "否", "缺资金；缺技术、缺水", "刘明", "138 0000 0000"]
    bad = member("B-2", "赵军", "户主", "男", 1975) + ["也许", "", "因病;饥饿", "", "phone?"]
    result = check([good, bad], header=header)
    assert errors_of(result) == [(3, "不愁吃"), (3, "其他致贫原因"), (3, "帮扶责任人"), (3, "帮扶责任人电话")]
    fields = check([good], header=header).households[0].fields
    assert fields["guarantees"]["food"] is True and fields["guarantees"]["safe_housing"] is False
    assert fields["secondary_causes"] == ["lack_of_funds", "lack_of_skills", "lack_of_water"]
    assert fields["cadre"] == {"name": "刘明", "phone": "138 0000 0000"}


def test_every_member_field_is_mapped():
    header = ZH + ["健康状况", "文化程度", "劳动能力", "在校生状况"]
    rows = [member("A-1", "王建国", "户主", "男", 1968) + ["大病", "小学", "弱劳动力", "不适用"],
            member("A-1", "王小", "之子", "男", 2012) + ["healthy", "primary", "无", "在校生"]]
    head, child = check(rows, header=header).households[0].fields["members"]
    assert (head["health"], head["education"], head["labour"]) == ("serious_illness", "primary", "partial")
    assert (child["relation"], child["labour"], child["schooling"]) == ("child", "none", "in_school")


# --- files ------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(encoding):
    table = read_table(csv_bytes(GOOD, encoding=encoding), "f.csv")
    assert table.headers == ZH and table.rows[0][1][6] == "王建国"


def test_tab_separated_and_blank_rows_keep_spreadsheet_row_numbers():
    data = csv_bytes(GOOD[:1], delimiter="\t") + b"\t\t\n\n" + "\t".join(GOOD[1]).encode() + b"\n"
    table = read_table(data, "f.txt")
    assert [n for n, _ in table.rows] == [2, 5]


def xlsx_bytes(rows, header=ZH, number_ids=False):
    """Digits as numbers, as a typist's Excel keeps them; 18-digit ID numbers as Excel would
    (a double, 15 significant digits) when ``number_ids``."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([(float(c) if number_ids else c) if len(c) == 18 else int(c) if c.isdigit() else c for c in row])
    sheet.append([])
    sheet.append(["=1+1"])   # a formula without a cached value reads as empty: the row is blank
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_reads_cells_as_values():
    table = read_table(xlsx_bytes(GOOD), "f.xlsx")
    result = validate(table.headers, table.rows, KEY)
    assert result.errors == [] and len(result.households) == 2
    assert result.households[0].fields["members"][0]["id_number"] == GOOD[0][10]


def test_xlsx_id_numbers_stored_as_numbers_are_refused():
    data = xlsx_bytes([member("A-1", "王建国", "户主", "男", 1968, "621202196801011234")], number_ids=True)
    result = validate(*_table(read_table(data, "f.xlsx")), KEY)
    assert errors_of(result) == [(2, "身份证号")] and "as a number" in result.errors[0]["message"]


def _table(table):
    return table.headers, table.rows


@pytest.mark.parametrize("data, name, message", [
    (b"", "f.csv", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "f.xls", "Old Excel"),
    (b"PK\x03\x04broken", "f.xlsx", "not a valid .xlsx"),
    (b"\x89PNG\r\n\x1a\n\0\0\0", "f.png", "not a CSV"),
    (b"\xff\xd8\xff\x81\x30\x81", "f.csv", "neither UTF-8 nor GB18030"),
])
def test_files_that_are_refused_as_a_whole(data, name, message):
    with pytest.raises(FileRefused, match=message):
        read_table(data, name)


def test_workbooks_with_macros_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(FileRefused, match="macros"):
        read_table(out.getvalue(), "f.xlsm")


def test_limits(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 2)
    with pytest.raises(FileRefused, match="More than 2 rows"):
        read_table(csv_bytes(GOOD), "f.csv")
    with pytest.raises(FileRefused, match="larger than 20 MB"):
        read_table(b"a" * (parsing.MAX_BYTES + 1), "f.csv")
    with pytest.raises(FileRefused, match="more than 60 columns"):
        read_table(csv_bytes([], header=["x"] * 61), "f.csv")


def test_every_required_field_has_a_chinese_header():
    assert all(any(re.search(r"[\u4e00-\u9fff]", alias) for alias in aliases) for aliases in COLUMNS.values())
