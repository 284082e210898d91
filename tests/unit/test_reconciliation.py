"""Reconciliation's comparison: each kind of difference is found, and only real ones count."""
from services.registry.domain.reconciliation import Sources, compare_area_totals, compare_statistics, reconcile, summary

HID = "H621202ABCDEFGHJK"


def _entry(event_id, program="ecommerce", household=HID, month="2026-10", income=100, amount=120, data=None):
    return {"_id": event_id, "program": program, "household_id": household, "occurred_at": f"{month}-05T08:00:00Z",
            "income_fen": income, "amount_fen": amount, "data": data or {}}


def _stream(event_id, program="ecommerce", envelope=None):
    return {"id": envelope or f"s-{event_id}", "event_id": event_id, "program": program}


def _stats(entries):
    """What the consumer would have stored for these entries (one partition, county level)."""
    docs, seen = {}, set()
    for e in entries:
        doc = docs.setdefault((e["program"], e["occurred_at"][:7]), {
            "_id": f"621202|{e['program']}|{e['occurred_at'][:7]}|t:0", "area": "621202", "level": "county",
            "group": e["program"], "month": e["occurred_at"][:7], "offset": 9,
            "events": 0, "income_fen": 0, "amount_fen": 0, "households_reached": 0})
        doc["events"] += 1
        doc["income_fen"] += e["income_fen"]
        doc["amount_fen"] += e["amount_fen"]
        if (e["program"], e["household_id"]) not in seen:
            seen.add((e["program"], e["household_id"]))
            doc["households_reached"] += 1
    return list(docs.values())


def _clean(n=3):
    ids = [f"e{i}" for i in range(n)]
    history = [_entry(i, household=f"H62120200000000{k}") for k, i in enumerate(ids)]
    return Sources(published={"ecommerce": list(ids)}, history=history, stream=[_stream(i) for i in ids],
                   stats=_stats(history))


def test_everything_in_its_place_is_no_difference():
    report = reconcile(_clean())
    assert report["ok"] and report["differences"] == 0
    p = report["programs"]["ecommerce"]
    assert (p["published"], p["in_history"], p["in_stream"]) == (3, 3, 3)
    assert report["statistics"]["equal"]
    assert summary(report).endswith("no differences")


def test_an_event_published_but_not_applied_is_missing_from_history_and_stream():
    sources = _clean()
    sources.published["ecommerce"].append("lost")
    report = reconcile(sources)
    p = report["programs"]["ecommerce"]
    assert p["missing_from_history"] == 1 and p["samples"]["missing_from_history"] == ["lost"]
    assert not report["ok"] and "1 difference" in summary(report)


def test_a_deadlettered_event_is_accounted_for_not_missing():
    sources = _clean()
    sources.published["ecommerce"].append("bad")
    sources.deadlettered = {"ecommerce": {"bad"}}
    report = reconcile(sources)
    assert report["ok"] and report["programs"]["ecommerce"]["deadlettered"] == 1


def test_an_applied_event_not_in_the_stream_is_missing_from_the_stream():
    sources = _clean()
    sources.stream.pop()
    report = reconcile(sources)
    assert report["programs"]["ecommerce"]["missing_from_stream"] == 1 and not report["ok"]


def test_one_event_in_two_stream_events_is_a_duplicate_but_a_redelivered_copy_is_not():
    sources = _clean()
    sources.stream.append(_stream("e0"))                      # the same stream event again (relay retry)
    report = reconcile(sources)
    assert report["ok"] and report["programs"]["ecommerce"]["stream_redelivered"] == 1
    sources.stream.append(_stream("e1", envelope="another"))  # applied twice: two stream events
    report = reconcile(sources)
    p = report["programs"]["ecommerce"]
    assert p["stream_duplicates"] == 1 and p["samples"]["stream_duplicates"] == ["e1"] and not report["ok"]


def test_history_entries_with_one_event_id_are_duplicates():
    sources = _clean()
    sources.history.append(dict(sources.history[0]))
    sources.stats = _stats(sources.history[:-1])
    report = reconcile(sources)
    assert report["programs"]["ecommerce"]["history_duplicates"] == 1 and not report["ok"]


def test_something_in_the_registry_that_was_never_published_is_reported():
    sources = _clean()
    sources.published["ecommerce"].remove("e2")
    report = reconcile(sources)
    assert report["programs"]["ecommerce"]["not_published"] == 1 and not report["ok"]


def test_a_republished_event_counts_once():
    sources = _clean()
    sources.published["ecommerce"].append("e0")
    report = reconcile(sources)
    assert report["ok"] and report["programs"]["ecommerce"]["published_copies"] == 1


def test_statistics_counted_twice_differ_from_the_recount():
    history = [_entry("a"), _entry("b", income=50, month="2026-11")]
    stats = _stats(history)
    assert compare_statistics(history, stats)["equal"]
    stats[0]["income_fen"] += 100  # "a" applied twice to the counters
    stats[0]["events"] += 1
    result = compare_statistics(history, stats)
    assert not result["equal"]
    assert {(d["counter"], d["recounted"], d["stored"]) for d in result["differences"]} == {
        ("events", 1, 2), ("income_fen", 100, 200)}


def test_households_reached_are_distinct_households_over_all_months():
    history = [_entry("a", month="2026-10"), _entry("b", month="2026-11"), _entry("c", household="H621202000000009")]
    stats = _stats(history)
    assert compare_statistics(history, stats)["equal"]
    stats[1]["households_reached"] += 1
    [diff] = compare_statistics(history, stats)["differences"]
    assert diff == {"group": "ecommerce", "month": "*", "counter": "households_reached", "recounted": 2, "stored": 3}


def test_registry_file_events_are_recounted_as_status_counts_and_identifications():
    after = {"status": "identified", "village_code": "621202100201", "people": 3}
    history = [_entry("f1", program="registry", data={"before": None, "after": after}, income=0, amount=0)]
    stats = [{"group": "households", "month": "-", "level": "county", "area": "621202",
              "households": {"identified": 1}, "people": {"identified": 3}},
             {"group": "registry", "month": "2026-10", "level": "county", "area": "621202", "identified": 1}]
    assert compare_statistics(history, stats)["equal"]
    stats[1]["identified"] = 2
    assert not compare_statistics(history, stats)["equal"]


def _months():
    county = [{"area": "621202", "group": "ecommerce", "month": m, "events": e, "people": {"poor": p}}
              for m, e, p in (("2026-10", 3, 1), ("2026-11", 2, 0))]
    townships = [{"area": t, "group": "ecommerce", "month": m, "events": e}
                 for t, m, e in (("621202100", "2026-10", 2), ("621202101", "2026-10", 1), ("621202101", "2026-11", 2))]
    villages = [{"area": v, "group": "ecommerce", "month": "2026-10", "events": e}
                for v, e in (("621202100200", 1), ("621202100201", 1))]
    townships[0]["people"] = {"poor": 1}
    return county + townships + villages


def _area_totals():
    return [{"area": "621202", "group": "ecommerce", "events": 5, "people": {"poor": 1},
             "children": {"621202100": {"events": 2, "people": {"poor": 1}}, "621202101": {"events": 3}}}]


def test_area_totals_equal_to_their_months_are_no_difference():
    assert compare_area_totals(_months(), _area_totals()) == {"compared": 1 + 2, "equal": True, "differences": []}


def test_an_area_total_off_its_months_or_missing_is_a_difference():
    totals = _area_totals()
    totals[0]["children"]["621202101"]["events"] = 4    # a township's event counted twice
    totals[0]["children"].pop("621202100")              # another's never counted
    assert compare_area_totals(_months(), totals)["differences"] == [
        {"area": "621202100", "group": "ecommerce", "counter": "events", "months": 2, "kept": 0},
        {"area": "621202100", "group": "ecommerce", "counter": "people.poor", "months": 1, "kept": 0},
        {"area": "621202101", "group": "ecommerce", "counter": "events", "months": 3, "kept": 4}]
    sources = _clean()
    sources.months = _months()                            # and none kept at all
    report = reconcile(sources)
    assert not report["ok"] and not report["area_totals"]["equal"] and "area totals: DIFFER" in summary(report)
