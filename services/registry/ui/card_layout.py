"""A household card laid out once, in the reader's language, for both the print page and the
PDF: a title and sections of label–value pairs, tables and notes. What it says comes from
services/registry/cards.py; the members come masked as the household page shows them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from shared.web.forms import yuan
from services.registry.domain.card import INCOME_CRITERION


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()    # columns of figures (right-aligned)
    caption: str = ""
    widths: tuple[float, ...] = ()   # relative column widths in print (equal when empty)


@dataclass
class Section:
    key: str                         # names the section on the page (data-testid)
    title: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Card:
    household_id: str
    title: str
    heading: str
    sections: list[Section]
    footer: str


def _code(value: str) -> str:
    """A stored code (status, cause, relation, program …) in the reader's language; the
    vocabulary marks them for translation (shared/web/vocabulary.py)."""
    return _(value)


def _day(iso: str | None) -> str:
    return (iso or "")[:10]


def _title(entry: dict, locale: str) -> str:
    return entry["title_zh"] if locale.startswith("zh") else entry["title_en"]


def _person(p: dict) -> str:
    return " ".join(filter(None, (p.get("name"), p.get("unit"), p.get("phone"))))


def _task_force(tf: dict) -> str:
    """A task force as a family reads it: who sent it, its first secretary (第一书记)."""
    return _("%(unit)s, first secretary %(secretary)s", unit=tf["sending_unit"],
             secretary=_person(tf["first_secretary"]))


def _file(h: dict, facts: dict) -> Section:
    pairs = [(_("Household"), h["_id"]), (_("Head of household"), h.get("head_name", "")),
             (_("Location"), " › ".join(a["name"] for a in facts["areas"])),
             (_("Village code"), h["village_code"]), (_("Status"), _code(h["status"])),
             (_("Main cause of poverty"), _code(h["main_cause"]))]
    if h.get("secondary_causes"):
        pairs.append((_("Other causes"), "、".join(_code(c) for c in h["secondary_causes"])))
    if h.get("cadre"):   # the current one (services/registry/villages.py: assign_cadre)
        pairs.append((_("Assigned cadre"), _person(h["cadre"])))
    for tf in facts.get("task_forces", []):
        pairs.append((_("Task force"), _task_force(tf)))
    return Section("file", _("The household file"), pairs)


def _members(h: dict) -> Section:
    rows = [[m["name"], _code(m["relation"]), _code(m["sex"]), str(m["birth_year"]), _code(m.get("health") or "healthy"),
             _code(m.get("labour") or "full"), m.get("id_number") or "—"] for m in h.get("members", [])]
    return Section("members", _("Members"), tables=[Table(
        [_("Name"), _("Relation"), _("Sex"), _("Birth year"), _("Health"), _("Labour capacity"), _("ID number")],
        rows, (3,), widths=(2, 1.2, 0.8, 1, 1.3, 1.3, 3))])


def _measures(h: dict, facts: dict, locale: str) -> Section:
    programs = h.get("summary", {}).get("programs", {})
    section = Section("measures", _("Measures taken, per program"))
    for program in sorted(set(programs) | set(facts["measures"])):
        s = programs.get(program, {})
        caption = _("%(program)s (%(status)s): %(n)s assistance events, income %(income)s yuan, money %(money)s yuan",
                    program=_code(program), status=_code(s["status"]) if s.get("status") else "—", n=s.get("events", 0),
                    income=yuan(s.get("income_fen", 0)), money=yuan(s.get("amount_fen", 0)))
        rows = [[_title(m, locale), str(m["times"]), _day(m["first_at"]), _day(m["last_at"]), yuan(m["income_fen"]),
                 yuan(m["amount_fen"])] for m in facts["measures"].get(program, [])]
        section.tables.append(Table([_("Measure (the latest)"), _("Times"), _("First"), _("Latest"),
                                     _("Income (yuan)"), _("Money (yuan)")], rows, (1, 4, 5), caption,
                                     (5, 0.8, 1.6, 1.6, 1.5, 1.5)))
    if not section.tables:
        section.notes.append(_("Not enrolled in any program yet."))
    return section


def _income(h: dict, facts: dict) -> Section:
    year, recorded = facts["assessment"]["year"], facts["income_this_year"]
    return Section("income", _("Income in %(year)s", year=year), [
        (_("Per-capita net income in the file (yuan/year)"), yuan(h["income_per_capita_fen"])),
        (_("Programme income recorded in %(year)s (yuan)", year=year), yuan(recorded["recorded_income_fen"])),
        (_("Programme income recorded per person (yuan)"), yuan(recorded["recorded_per_capita_fen"])),
        (_("Income gained (yuan)"), yuan(h.get("summary", {}).get("total_income_fen", 0)))])


def _exit(h: dict, facts: dict) -> Section:
    a = facts["assessment"]
    section = Section("exit", _("Exit criteria (脱贫) and where the household stands"))
    section.notes.append(_("Poverty line %(year)s: %(line)s yuan per person", year=a["year"],
                           line=yuan(a["poverty_line_fen"])))
    rows = []
    for criterion, met in facts["criteria"]:
        if criterion == INCOME_CRITERION:
            rows.append([_("Per-capita net income above the poverty line"),
                         _("%(income)s yuan per person", income=yuan(a["income_per_capita_fen"])),
                         _("met") if met else _("not met")])
        else:
            rows.append([_code(criterion), _("guaranteed") if met else _("not yet guaranteed"),
                         _("met") if met else _("not met")])
    section.tables.append(Table([_("Criterion"), _("Where the household stands"), _("Met?")], rows,
                                widths=(3, 2, 1)))
    section.pairs = [(_("Exit check"), _("Meets the exit criteria.") if a["eligible"] else _("Not yet eligible")),
                     (_("Status"), _code(h["status"]))]
    if h.get("exit") and h["exit"].get("notice_until"):
        section.pairs.append((_("Public notice"), _("Public notice until %(d)s", d=h["exit"]["notice_until"])))
    section.notes.append(_("Income in the file: %(typed)s yuan per person; programme income recorded in the last "
                           "12 months: %(rec)s yuan (%(per)s per person).", typed=yuan(a["income_per_capita_fen"]),
                           rec=yuan(a["recorded_income_fen"]), per=yuan(a["recorded_per_capita_fen"])))
    if a["income_gap"]:
        section.notes.append(_("The programme income recorded per person is above the income in the file: check "
                               "the income before deciding."))
    return section


def card_layout(h: dict, facts: dict, locale: str, today: date) -> Card:
    """The card of the shown file ``h`` (members masked for the reader) with its ``facts``."""
    return Card(h["_id"], _("Household assistance card"), _("Household of %(name)s", name=h.get("head_name", "")),
                [_file(h, facts), _members(h), _measures(h, facts, locale), _income(h, facts), _exit(h, facts)],
                _("Jingzhun registry · printed on %(d)s", d=today.isoformat()))
