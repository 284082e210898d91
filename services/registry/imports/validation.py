"""Cells → household files, or every error by file row and column. Pure: no Flask, no store.

One row per member, grouped by ``household_ref``; the household's own columns may be
filled on every member row or only on one (they must agree). Headers and enumeration
values may be English codes or Chinese labels (the tables below). Each household is then
checked with the API's own HouseholdCreateSchema, so a file can never hold what the form
and the API would refuse. Checks that need the store (ID numbers already in another
household) are the job's; this module names the rows they concern."""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date

from marshmallow import ValidationError

from services.registry.api.schemas import HouseholdCreateSchema
from services.registry.domain.exit_rules import GUARANTEES
from services.registry.domain.households import member_problems
from services.registry.domain.id_numbers import normalise
from shared.messages import Codes, Literal, Message, N_
from shared.validation_messages import message_of

MAX_CELL = 200   # characters; every field's own limit is lower (names 50), this stops junk early

# field → accepted headers (compared after _key(): case, spaces, "_", "-", "*" and the
# width of brackets do not matter). The first is the canonical name used in reports.
COLUMNS = {
    "household_ref": ("household_ref", "户编号", "户档案编号", "档案编号", "户号", "家庭编号"),
    "head_name": ("head_name", "户主", "户主姓名"),
    "village_code": ("village_code", "村代码", "村级代码", "行政区划代码", "村行政区划代码", "统计用区划代码"),
    "township": ("township", "乡镇", "乡(镇)", "乡镇名称"),
    "village": ("village", "村", "行政村", "村名", "村名称"),
    "main_cause": ("main_cause", "主要致贫原因", "致贫原因"),
    "secondary_causes": ("secondary_causes", "其他致贫原因", "次要致贫原因"),
    "income_per_capita_yuan": ("income_per_capita_yuan", "人均纯收入", "人均纯收入(元)", "人均纯收入(元/年)",
                               "人均可支配收入(元)"),
    "food": ("food", "不愁吃"),
    "clothing": ("clothing", "不愁穿"),
    "compulsory_education": ("compulsory_education", "义务教育有保障", "义务教育保障"),
    "basic_medical": ("basic_medical", "基本医疗有保障", "基本医疗保障"),
    "safe_housing": ("safe_housing", "住房安全有保障", "住房安全保障"),
    "cadre_name": ("cadre_name", "帮扶责任人", "帮扶责任人姓名"),
    "cadre_phone": ("cadre_phone", "帮扶责任人电话", "帮扶责任人联系电话"),
    "name": ("name", "姓名", "成员姓名"),
    "relation": ("relation", "与户主关系"),
    "sex": ("sex", "性别"),
    "birth_year": ("birth_year", "出生年份", "出生年"),
    "health": ("health", "健康状况"),
    "education": ("education", "文化程度"),
    "labour": ("labour", "labor", "劳动能力", "劳动技能"),
    "schooling": ("schooling", "在校生状况", "在校生情况"),
    "id_number": ("id_number", "身份证号", "身份证号码", "公民身份号码", "证件号码"),
}
REQUIRED = ("household_ref", "village_code", "township", "village", "main_cause", "income_per_capita_yuan",
            "name", "relation", "sex", "birth_year")
MEMBER_FIELDS = ("name", "relation", "sex", "birth_year", "health", "education", "labour", "schooling", "id_number")
HOUSEHOLD_FIELDS = tuple(f for f in COLUMNS if f not in MEMBER_FIELDS and f != "household_ref")

# code → Chinese labels: first the UI's (shared/translations, a unit test checks), then
# what paper forms and county spreadsheets say.
LABELS = {
    "cause": {"illness": ("因病",), "disability": ("因残",), "schooling": ("因学",), "disaster": ("因灾",),
              "lack_of_land": ("缺土地", "缺地"), "lack_of_water": ("缺水",), "lack_of_skills": ("缺技术",),
              "lack_of_labour": ("缺劳力", "缺劳动力"), "lack_of_funds": ("缺资金",),
              "poor_transport": ("交通条件落后", "交通落后"), "lack_of_motivation": ("自身发展动力不足", "动力不足")},
    "relation": {"head": ("户主", "本人"), "spouse": ("配偶", "之妻", "之夫", "妻子", "丈夫"),
                 "child": ("子女", "之子", "之女", "儿子", "女儿"), "parent": ("父母", "之父", "之母", "父亲", "母亲"),
                 "grandchild": ("孙子女", "之孙子", "之孙女", "孙子", "孙女"),
                 "sibling": ("兄弟姐妹", "兄弟", "姐妹"), "other": ("其他",)},
    "sex": {"female": ("女", "f"), "male": ("男", "m")},
    "health": {"healthy": ("健康",), "chronic_illness": ("长期慢性病", "慢性病"),
               "serious_illness": ("大病", "患有大病"), "disabled": ("残疾",)},
    "education": {"none": ("无", "文盲或半文盲", "文盲", "半文盲"), "primary": ("小学",), "junior_secondary": ("初中",),
                  "senior_secondary": ("高中",), "vocational": ("中专/职高", "中专", "职高", "中职", "技校"),
                  "tertiary": ("大专及以上", "大专", "本科", "大学")},
    "labour": {"full": ("普通劳动力", "技能劳动力", "全劳动力"), "partial": ("弱劳动力或半劳动力", "弱劳动力", "半劳动力"),
               "none": ("无", "丧失劳动力", "无劳动力")},
    "schooling": {"not_applicable": ("不适用", "非在校生"), "preschool": ("学前", "学前教育"),
                  "in_school": ("在校生", "在校"), "dropped_out": ("辍学",), "graduated": ("已毕业", "毕业")},
}
ENUM_OF = {"main_cause": "cause", "relation": "relation", "sex": "sex", "health": "health",
           "education": "education", "labour": "labour", "schooling": "schooling"}
TRUE, FALSE = {"是", "yes", "y", "true", "1", "√", "✓", "有"}, {"否", "no", "n", "false", "0", "×", "✗", "无"}
_SEPARATORS = re.compile(r"[;；,，、/]")


class CellRefused(ValueError):
    """A cell that cannot become its field; its Message goes into the error report."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.said = message


@dataclass
class Household:
    ref: str
    household_id: str
    county: str
    rows: list                          # file rows of its members, in order
    fields: dict                        # as HouseholdCreateSchema loads them
    id_rows: dict = field(default_factory=dict)   # normalised ID number → file row


@dataclass
class Result:
    households: list                    # those without errors (write them only if there are none)
    errors: list                        # [{row, field, message}], by row then column
    rows: int = 0
    headers: dict = field(default_factory=dict)   # field → its column header as the file spells it
    maybe_present: set = field(default_factory=set)   # household ids the store may have already (the job fills it)

    def header(self, name: str) -> str:
        return self.headers.get(name, COLUMNS[name][0])

    def add_errors(self, errors: list) -> None:
        order = {_key(h): i for i, h in enumerate(self.headers.values())}
        self.errors = sorted(self.errors + errors, key=lambda e: (e["row"] or 0, order.get(_key(e["field"]), 99)))


# --- headers --------------------------------------------------------------------------
def _key(text: str) -> str:
    text = str(text).strip().strip("*").replace("（", "(").replace("）", ")").lower()
    return re.sub(r"[\s_\-*]+", "", text)


_HEADER_INDEX = {_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def map_headers(headers: list) -> tuple[dict, list]:
    """({field: column index}, header errors on row 1). Unknown columns are errors, as
    unknown fields are in the API: a misspelt header must not drop a column silently."""
    columns, errors = {}, []
    for index, header in enumerate(headers):
        if not header:
            continue   # an unnamed column (a spacer, remarks without a title) is ignored
        name = _HEADER_INDEX.get(_key(header))
        if name is None:
            errors.append(row_error(1, header, Message("unknown_column", N_(
                "Unknown column; see the accepted column names in docs/import-format.md."))))
        elif name in columns:
            errors.append(row_error(1, header, Message("same_column", N_("The same column as '%(column)s'."),
                                                    {"column": Literal(headers[columns[name]])})))
        else:
            columns[name] = index
    errors += [row_error(1, COLUMNS[name][0], Message("missing_column", N_("Missing column (e.g. '%(name)s' or '%(label)s')."),
                                                   {"name": Literal(COLUMNS[name][0]), "label": Literal(COLUMNS[name][1])}))
               for name in REQUIRED if name not in columns]
    return columns, errors


# --- cells → values -------------------------------------------------------------------
def cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).replace("\u3000", " ").strip()


def enum_value(kind: str, text: str) -> str:
    wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
    for code, labels in LABELS[kind].items():
        if wanted == code or text.strip() in labels or wanted in labels:
            return code
    raise CellRefused(Message("unknown_value", N_("Unknown value '%(value)s'; one of: %(accepted)s."),
                              {"value": Literal(text), "accepted": _Accepted(LABELS[kind])}))


class _Accepted(Codes):
    """The values a column accepts: in English each code with its first Chinese label (a file
    may use either); on a page, their names in the reader's language."""

    def __new__(cls, labels: dict):
        accepted = super().__new__(cls, labels)
        accepted.labels = labels
        return accepted

    def __str__(self) -> str:
        return ", ".join(f"{code} ({self.labels[code][0]})" for code in self)


def yes_no(text: str) -> bool:
    if text.lower() in TRUE:
        return True
    if text.lower() in FALSE:
        return False
    raise CellRefused(Message("not_yes_no", N_("Not yes or no: '%(value)s' (是/否, yes/no, 1/0)."), {"value": Literal(text)}))


def yuan_to_fen(text: str) -> int:
    """Yuan with at most two decimals → integer fen, exactly (never through a float)."""
    match = re.fullmatch(r"(\d{1,9})(?:\.(\d{1,2}))?", text.replace(",", "").replace("，", ""))
    if not match:
        raise CellRefused(Message("not_yuan", N_("Not an amount in yuan with at most two decimals: '%(value)s'."),
                                  {"value": Literal(text)}))
    return int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))


def year(text: str) -> int:
    text = text.removesuffix("年").strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", text):   # a date cell: the year is what counts
        return int(text[:4])
    raise CellRefused(Message("not_year", N_("Not a year: '%(value)s'."), {"value": Literal(text)}))


def convert(name: str, cell):
    """One cell → the value its field takes (or CellRefused). Blank cells never get here."""
    if name == "id_number" and isinstance(cell, float):
        raise CellRefused(Message("id_number_as_number", N_(
            "Excel stored this ID number as a number and lost its last digits: "
            "format the column as text and type the numbers again.")))
    text = cell_text(cell)
    if len(text) > MAX_CELL:
        raise CellRefused(_too_long(MAX_CELL))
    if name in ENUM_OF:
        return enum_value(ENUM_OF[name], text)
    if name == "secondary_causes":
        return [enum_value("cause", part) for part in _SEPARATORS.split(text) if part.strip()]
    if name == "income_per_capita_yuan":
        return yuan_to_fen(text)
    if name in GUARANTEES:
        return yes_no(text)
    if name == "birth_year":
        return year(text)
    if name == "id_number":
        return normalise(text)
    return text


# --- rows → households ----------------------------------------------------------------
def import_key(secret_key: str) -> bytes:
    return hashlib.sha256(b"household-import:" + secret_key.encode()).digest()


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def household_id_for(key: bytes, county: str, ref: str) -> str:
    """The same id for the same (county, reference) on every import, unguessable without
    the key: 'H' + county + 10 Crockford base32 characters of an HMAC (as shared.household_ids)."""
    number = int.from_bytes(hmac.new(key, f"{county}\x1f{ref}".encode(), hashlib.sha256).digest()[:7], "big") >> 6
    return "H" + county + "".join(_CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(10)))


def _too_long(limit: int) -> Message:
    return Message("too_long", N_("Longer than %(limit)s characters."), {"limit": limit})


def row_error(row, column: str, said) -> dict:
    """A row error as the run stores it: the English ``message`` (the API's, and all a run
    stored by an earlier release has) and ``said``, its Messages, for the pages."""
    said = said if isinstance(said, list) else [said]
    return {"row": row, "field": column, "message": " ".join(str(m) for m in said),
            "said": [m.stored() for m in said]}


def validate(headers: list, rows: list, key: bytes, scope_county: str | None = None, reason: str = "") -> Result:
    """``rows`` are (file row, cells). Every error in the file is returned, none written."""
    columns, errors = map_headers(headers)
    if errors:   # without the right columns every row would fail: report the header alone
        return Result([], errors, len(rows))
    groups: dict = {}
    for number, cells in rows:
        ref = cell_text(cells[columns["household_ref"]]) if columns["household_ref"] < len(cells) else ""
        if not ref:
            errors.append(row_error(number, headers[columns["household_ref"]], Message("required_ref", N_(
                "Required: the household's reference (e.g. its paper file number)."))))
        elif len(ref) > 50:
            errors.append(row_error(number, headers[columns["household_ref"]], _too_long(50)))
        else:
            groups.setdefault(ref, []).append((number, cells))
    checker = _Checker(headers, columns, key, scope_county, reason)
    households = [h for h in (checker.household(ref, group) for ref, group in groups.items()) if h]
    result = Result(households, [], len(rows), {name: headers[i] for name, i in sorted(columns.items(), key=lambda c: c[1])})
    result.add_errors(errors + checker.errors)
    return result


class _Checker:
    """Builds each household's payload, loads it with the schema and maps every problem
    back to its file row and column header (as the file spells it)."""

    def __init__(self, headers, columns, key, scope_county, reason):
        self.headers, self.columns, self.key = headers, columns, key
        self.scope_county, self.reason = scope_county, reason
        self.schema = HouseholdCreateSchema()
        self.errors: list = []
        self.id_seen: dict = {}   # normalised ID number → file row, across the whole file

    def header(self, name: str) -> str:
        return self.headers[self.columns[name]] if name in self.columns else COLUMNS[name][0]

    def cell(self, cells, name):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def fail(self, row, name, message):
        self.errors.append(row_error(row, self.header(name), message))

    def household(self, ref: str, group: list) -> Household | None:
        before = len(self.errors)
        values, source = self._household_fields(group)
        payload = _household_payload(values)
        payload["members"], member_bad = self._members(group)
        try:
            fields = self.schema.load(payload)
        except ValidationError as exc:
            self._schema_errors(_with_member_problems(exc.messages, payload["members"]), group, source, values,
                                member_bad)
            return None
        head = next(m for m in fields["members"] if m["relation"] == "head")
        if values.get("head_name") not in (None, _BAD, head["name"]):
            self.fail(source["head_name"], "head_name", Message("other_head", N_(
                "The member with relation 'head' is '%(name)s'."), {"name": head["name"]}))
        county = fields["village_code"][:6]
        if self.scope_county and county != self.scope_county:
            self.fail(source.get("village_code", group[0][0]), "village_code", Message("outside_county", N_(
                "Outside your county (%(county)s): you may import only its households."), {"county": self.scope_county}))
        if len(self.errors) > before:
            return None
        id_rows = {m["id_number"]: row for m, (row, _) in zip(fields["members"], group) if m.get("id_number")}
        if self.reason:
            fields["reason"] = self.reason
        return Household(ref, household_id_for(self.key, county, ref), county, [row for row, _ in group], fields, id_rows)

    def _household_fields(self, group) -> tuple[dict, dict]:
        """({field: value or _BAD}, {field: the row it came from}); a second, different
        value on another row of the household is an error on that row."""
        values, source = {}, {}
        for name in HOUSEHOLD_FIELDS:
            first = None
            for row, cells in group:
                cell = self.cell(cells, name)
                text = cell_text(cell)
                if not text:
                    continue
                if first is None:
                    first = (row, text)
                    source[name] = row
                    try:
                        values[name] = convert(name, cell)
                    except CellRefused as exc:
                        self.fail(row, name, exc.said)
                        values[name] = _BAD
                elif text != first[1]:
                    self.fail(row, name, Message("differs", N_(
                        "Differs from row %(row)s of the same household ('%(value)s')."), {"row": first[0], "value": Literal(first[1])}))
        return values, source

    def _members(self, group) -> tuple[list, set]:
        members, bad = [], set()
        for i, (row, cells) in enumerate(group):
            member = {}
            for name in MEMBER_FIELDS:
                cell = self.cell(cells, name)
                if not cell_text(cell):
                    continue
                try:
                    member[name] = convert(name, cell)
                except CellRefused as exc:
                    self.fail(row, name, exc.said)
                    bad.add((i, name))
            number = member.get("id_number")
            if number and number in self.id_seen:
                self.fail(row, "id_number", Message("same_id_number", N_("The same ID number as row %(row)s."),
                                                    {"row": self.id_seen[number]}))
                del member["id_number"]
            elif number:
                self.id_seen[number] = row
            members.append(member)
        return members, bad

    def _schema_errors(self, messages: dict, group, source, values, member_bad) -> None:
        first = group[0][0]
        for path, message in _flatten(messages):
            if path[0] == "members" and len(path) >= 3 and isinstance(path[1], int):
                i, name = path[1], path[2]
                if (i, name) not in member_bad:   # else already reported as unreadable
                    self.fail(group[i][0], name, message)
                continue
            if path[0] == "members":   # not exactly one head, or too many members
                name = "relation" if path[1:2] == ("_schema",) else "household_ref"
            else:
                name = _COLUMN_OF.get(path[0]) or (path[1] if path[0] == "guarantees" else
                                                   f"cadre_{path[1]}" if path[0] == "cadre" else "household_ref")
            if values.get(name) is not _BAD:   # else already reported as unreadable
                self.fail(source.get(name, first), name, message)


_COLUMN_OF = {"village_code": "village_code", "township": "township", "village": "village",
              "main_cause": "main_cause", "secondary_causes": "secondary_causes",
              "income_per_capita_fen": "income_per_capita_yuan"}


_BAD = object()   # a cell already reported as unreadable: left out, so not reported twice


def _household_payload(values: dict) -> dict:
    payload = {k: v for k, v in values.items() if k in ("village_code", "township", "village", "main_cause",
                                                          "secondary_causes") and v is not _BAD}
    if "income_per_capita_yuan" in values and values["income_per_capita_yuan"] is not _BAD:
        payload["income_per_capita_fen"] = values["income_per_capita_yuan"]
    guarantees = {g: values[g] for g in GUARANTEES if g in values and values[g] is not _BAD}
    if guarantees:
        payload["guarantees"] = guarantees
    if "cadre_name" in values or "cadre_phone" in values:
        payload["cadre"] = {k: values[f"cadre_{k}"] for k in ("name", "phone")
                            if f"cadre_{k}" in values and values[f"cadre_{k}"] is not _BAD}
    return payload


def _with_member_problems(messages: dict, members: list) -> dict:
    """marshmallow skips the schema's cross-member checks (one head, ID numbers) when a field
    has an error; run them anyway, so one pass over the file reports every problem."""
    known = set(path for path, _ in _flatten(messages))
    extra = [(("members",) + path, message) for path, message in _flatten(member_problems(members))
             if ("members",) + path not in known]
    merged = dict(messages)
    for path, message in extra:
        merged.setdefault("members", {})
        if isinstance(merged["members"], dict):
            merged["members"] = _put(merged["members"], path[1:], message)
    return merged


def _put(tree: dict, path: tuple, value) -> dict:
    tree = dict(tree)
    if len(path) == 1:
        tree[path[0]] = value
    else:
        tree[path[0]] = _put(tree.get(path[0], {}), path[1:], value)
    return tree


def _flatten(messages, path=()):
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, path + (key,))
    elif isinstance(messages, list) and messages and all(isinstance(m, (str, Message)) for m in messages):
        # marshmallow's English, or a schema's own: Messages, said on the pages in their language
        yield path, [m if isinstance(m, Message) else message_of(m) for m in messages]
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            yield from _flatten(value, path + (i,))
    else:
        yield path, [message_of(str(messages))]
