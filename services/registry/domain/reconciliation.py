"""Reconciliation: what each program published, against what the registry holds (history,
consolidated stream, statistics). Pure: the command (``services/registry/reconcile.py``)
reads the sources and hands them here as plain records.

Counted as a **difference** (the exit status of the command is non-zero):
- ``missing_from_history``: published on the program's topic, neither in the history nor
  dead-lettered;
- ``missing_from_stream``: in the history, but no consolidated-stream event carries it;
- ``not_published``: in the history or the stream, but on no program topic;
- ``history_duplicates``: one event id in two history entries;
- ``stream_duplicates``: one event id carried by two *different* stream events (the
  registry applied it twice);
- ``statistics``: a counter of the materialized statistics that differs from a recount
  from the history;
- ``area_totals``: a county's all-months total, or one of its townships', that differs from
  the sum of the month documents it is kept beside.

Reported but not a difference: ``published_copies`` beyond one per event and
``stream_redelivered`` (the same stream event, same id, on the topic twice). The relays
publish at least once — a relay killed between the broker's ack and its mark publishes the
batch again with the same ids — and every reader deduplicates by event id. ``deadlettered``
events are accounted for (with their reason on the dead-letter topic), not missing.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from services.registry.domain.areas import level_of
from services.registry.domain.assistance import file_counter, status_counts

SAMPLE = 10  # ids listed per difference; the counts are complete


@dataclass
class Sources:
    """Everything reconciliation reads, as plain records.

    published:    program -> [event id, one per record on the program's topic]
    deadlettered: program -> {event id}
    history:      [{"_id", "program", "household_id", "occurred_at", "income_fen", "amount_fen", "data"}]
    stream:       [{"id": stream event id, "event_id", "program"}]
    stats:        [{"group", "month", <counters, possibly nested>}] (county level only)
    months:       [{"area", "group", <counters>}]: month documents of counties and townships
    area_totals:  [{"area", "group", <counters>, "children": {township: <counters>}}]
    """
    published: dict[str, list[str]] = field(default_factory=dict)
    deadlettered: dict[str, set] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    stream: list[dict] = field(default_factory=list)
    stats: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    area_totals: list[dict] = field(default_factory=list)
    unreadable: dict[str, int] = field(default_factory=dict)


def reconcile(sources: Sources) -> dict:
    """The report: per program counts and differences, the statistics check, and ``ok``."""
    history_ids = defaultdict(Counter)
    for entry in sources.history:
        history_ids[entry["program"]][entry["_id"]] += 1
    stream_by_event = defaultdict(lambda: defaultdict(set))
    stream_copies = defaultdict(Counter)
    for item in sources.stream:
        stream_by_event[item["program"]][item["event_id"]].add(item["id"])
        stream_copies[item["program"]][item["id"]] += 1
    programs = sorted(set(sources.published) | set(history_ids) | set(stream_by_event))
    report = {"programs": {}, "statistics": compare_statistics(sources.history, sources.stats),
              "area_totals": compare_area_totals(sources.months, sources.area_totals)}
    for program in programs:
        report["programs"][program] = _program(
            sources.published.get(program, []), sources.deadlettered.get(program, set()),
            history_ids[program], stream_by_event[program], stream_copies[program],
            sources.unreadable.get(program, 0))
    report["differences"] = sum(p["differences"] for p in report["programs"].values()) \
        + len(report["statistics"]["differences"]) + len(report["area_totals"]["differences"])
    report["ok"] = report["differences"] == 0
    return report


def _program(published: list[str], deadlettered: set, history: Counter, stream: dict, stream_copies: Counter,
             unreadable: int) -> dict:
    published_ids = set(published)
    in_history, in_stream = set(history), set(stream)
    differences = {
        "missing_from_history": sorted(published_ids - in_history - deadlettered),
        "missing_from_stream": sorted(in_history - in_stream),
        "not_published": sorted((in_history | in_stream) - published_ids),
        "history_duplicates": sorted(i for i, n in history.items() if n > 1),
        "stream_duplicates": sorted(i for i, envelopes in stream.items() if len(envelopes) > 1),
    }
    counts = {k: len(v) for k, v in differences.items()}
    return {
        "published": len(published_ids),
        "published_copies": len(published) - len(published_ids),
        "unreadable": unreadable,
        "in_history": len(in_history),
        "in_stream": len(in_stream),
        "deadlettered": len(deadlettered & published_ids),
        "stream_redelivered": sum(n - 1 for n in stream_copies.values()),
        **counts,
        "differences": sum(counts.values()),
        "samples": {k: v[:SAMPLE] for k, v in differences.items() if v},
    }


# --- statistics --------------------------------------------------------------------------
def recount(history: list[dict]) -> dict:
    """The county-level statistics recomputed from the history, summed over areas:
    {(group, month): {counter: value}}, plus households reached per program (month "*")."""
    totals: dict = defaultdict(Counter)
    reached = defaultdict(set)
    for entry in history:
        program, month = entry["program"], entry["occurred_at"][:7]
        if program == "registry":
            data = entry.get("data") or {}
            if "after" in data:
                for _, inc in status_counts(data.get("before"), data["after"]):
                    totals[("households", "-")].update(inc)
                counter = file_counter(data)
                if counter:
                    totals[("registry", month)][counter] += 1
            continue
        totals[(program, month)].update({"events": 1, "income_fen": entry.get("income_fen") or 0,
                                         "amount_fen": entry.get("amount_fen") or 0})
        reached[program].add(entry["household_id"])
    for program, households in reached.items():
        totals[(program, "*")]["households_reached"] = len(households)
    return {key: _nonzero(c) for key, c in totals.items() if _nonzero(c)}


def materialized(stats: list[dict]) -> dict:
    """The stored county-level counters in the same shape as ``recount``."""
    totals: dict = defaultdict(Counter)
    for doc in stats:
        counters = _flatten({k: v for k, v in doc.items() if k not in ("_id", "group", "month", "area", "level", "offset")})
        reached = counters.pop("households_reached", 0)
        totals[(doc["group"], doc["month"])].update(counters)
        if doc["group"] not in ("registry", "households"):
            totals[(doc["group"], "*")]["households_reached"] += reached
    return {key: _nonzero(c) for key, c in totals.items() if _nonzero(c)}


def compare_statistics(history: list[dict], stats: list[dict]) -> dict:
    counted, stored = recount(history), materialized(stats)
    differences = []
    for group, month in sorted(set(counted) | set(stored)):
        want, have = counted.get((group, month), {}), stored.get((group, month), {})
        for name in sorted(set(want) | set(have)):
            if want.get(name, 0) != have.get(name, 0):
                differences.append({"group": group, "month": month, "counter": name,
                                    "recounted": want.get(name, 0), "stored": have.get(name, 0)})
    return {"compared": len(set(counted) | set(stored)), "equal": not differences, "differences": differences}


def compare_area_totals(months: list[dict], area_totals: list[dict]) -> dict:
    """Each county's area totals (its own and each township's, over all months) against the
    sum of the month documents of the same areas and group."""
    summed: dict = defaultdict(Counter)
    for doc in months:
        summed[(doc["area"], doc["group"])].update(_flatten(_counts(doc)))
    own = {(d["area"], d["group"]): Counter(_flatten(_counts(d))) for d in area_totals}
    child = {(code, d["group"]): Counter(_flatten(counts)) for d in area_totals
             for code, counts in d.get("children", {}).items()}
    differences = []
    for kept, levels in ((own, ("county",)), (child, ("township",))):
        for area, group in sorted(set(kept) | {k for k in summed if level_of(k[0]) in levels}):
            want, have = summed.get((area, group), Counter()), kept.get((area, group), Counter())
            for name in sorted(set(want) | set(have)):
                if want.get(name, 0) != have.get(name, 0):
                    differences.append({"area": area, "group": group, "counter": name,
                                        "months": want.get(name, 0), "kept": have.get(name, 0)})
    return {"compared": len(own) + len(child), "equal": not differences, "differences": differences}


def _counts(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("_id", "area", "level", "group", "month", "children")}


def _flatten(doc: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[f"{prefix}{key}"] = value
    return flat


def _nonzero(counter) -> dict:
    return {k: v for k, v in counter.items() if v}


# --- the human summary ------------------------------------------------------------------
def summary(report: dict) -> str:
    lines = ["program        published  history  stream  dead  missing(h/s)  dup(h/s)  not-published"]
    for program, p in report["programs"].items():
        lines.append(f"{program:<14} {p['published']:>9} {p['in_history']:>8} {p['in_stream']:>7} {p['deadlettered']:>5}"
                     f"  {p['missing_from_history']:>5}/{p['missing_from_stream']:<6} {p['history_duplicates']:>3}/"
                     f"{p['stream_duplicates']:<4}  {p['not_published']:>5}")
        for kind, ids in p["samples"].items():
            lines.append(f"    {kind}: {', '.join(ids)}")
    stats = report["statistics"]
    lines.append(f"statistics: {'equal to a recount from the history' if stats['equal'] else 'DIFFER from a recount'}"
                 f" ({stats['compared']} group-months compared)")
    for d in stats["differences"][:SAMPLE]:
        lines.append(f"    {d['group']} {d['month']} {d['counter']}: stored {d['stored']}, recounted {d['recounted']}")
    totals = report["area_totals"]
    lines.append(f"area totals: {'equal to the sum of their months' if totals['equal'] else 'DIFFER from their months'}"
                 f" ({totals['compared']} compared)")
    for d in totals["differences"][:SAMPLE]:
        lines.append(f"    {d['area']} {d['group']} {d['counter']}: kept {d['kept']}, months {d['months']}")
    lines.append("no differences" if report["ok"] else f"{report['differences']} difference(s)")
    return "\n".join(lines)
