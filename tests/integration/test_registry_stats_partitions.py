"""One counter document per area, group and month, shared by every partition: each
partition's records are counted once, whatever the others did; documents of the earlier
shape (one per partition) fold into it without counting anything twice."""
import random

import pytest

from services.registry.adapters.stats import Stats, _split
from shared.config import Settings
from shared.store import make_client
from tests.support import isolated_env

VILLAGE = "621202100201"
TOWNSHIP, COUNTY = VILLAGE[:9], VILLAGE[:6]


def _record(position, offset, events=1, poor=0):
    return (position, offset, "ecommerce", "2026-03", [(VILLAGE, {"events": events, "people.poor": poor})])


@pytest.fixture
def stats(stack):
    settings = Settings.from_env("registry", isolated_env("statspart"))
    client = make_client(settings)
    stats = Stats(client[settings.database_name])
    stats.ensure_indexes()
    yield stats
    client.close()


def test_partitions_share_a_document_and_are_guarded_each_by_its_own_offsets(stats):
    stats.add_many([_record("t.ecommerce:0", o) for o in range(5)] + [_record("t.ecommerce:1", o) for o in range(3)])
    # Partition 1 is redelivered from 0 with one more; partition 0 goes on at 5.
    stats.add_many([_record("t.ecommerce:1", o) for o in range(4)] + [_record("t.ecommerce:0", 5)])
    stats.add("t.ecommerce:0", 2, "ecommerce", "2026-03", [(VILLAGE, {"events": 1})])  # counted already
    assert stats.totals(COUNTY, "ecommerce")["events"] == 6 + 4
    docs = list(stats.stats.find({}))
    assert sorted(d["_id"] for d in docs) == sorted(f"{a}|ecommerce|2026-03" for a in (VILLAGE, TOWNSHIP, COUNTY))
    assert {(d["offsets"]["t~ecommerce:0"], d["offsets"]["t~ecommerce:1"]) for d in docs} == {(5, 3)}


def _old_shape(area, level, position, offset, events, poor):
    return {"_id": f"{area}|ecommerce|2026-03|{position}", "area": area, "level": level, "group": "ecommerce",
            "month": "2026-03", "offset": offset, "events": events, "people": {"poor": poor}}


def _old_documents():
    return [_old_shape(area, level, position, offset, events, poor)
            for area, level in ((VILLAGE, "village"), (TOWNSHIP, "township"), (COUNTY, "county"))
            for position, offset, events, poor in (("t.ecommerce:0", 9, 10, 4), ("t.ecommerce:1", 2, 3, 1))]


def test_documents_of_the_earlier_shape_fold_into_one_and_keep_guarding_their_offsets(stats):
    stats.stats.insert_many(_old_documents())
    before = stats.overview(COUNTY, ["ecommerce"], ["ecommerce"])
    assert before["totals"]["ecommerce"] == {"events": 13, "people": {"poor": 5}}

    assert stats.fold_partitions(batch=4) == 6
    assert stats.overview(COUNTY, ["ecommerce"], ["ecommerce"]) == before
    assert stats.stats.count_documents({"offset": {"$exists": True}}) == 0
    assert stats.stats.count_documents({}) == 3

    # A redelivery of what the old documents counted adds nothing; what follows does.
    stats.add_many([_record("t.ecommerce:0", 9), _record("t.ecommerce:1", 2), _record("t.ecommerce:1", 3, poor=1)])
    assert stats.totals(VILLAGE, "ecommerce") == {"events": 14, "people": {"poor": 6}}


def test_a_fold_stopped_before_its_delete_counts_nothing_twice_when_run_again(stats):
    stats.stats.insert_many(_old_documents())
    stats.fold_partitions()
    stats.stats.insert_many(_old_documents())  # as if the process died before deleting them
    assert stats.fold_partitions() == 6
    assert stats.totals(COUNTY, "ecommerce") == {"events": 13, "people": {"poor": 5}}
    assert stats.stats.count_documents({}) == 3


def _random_polls(seed=5, count=12):
    """Polls of records over two counties, several townships and villages, three months and
    three partitions, each partition in offset order; some polls are redelivered."""
    rng = random.Random(seed)
    villages = [f"{county}{township}{village}" for county in ("621202", "621222")
                for township in ("100", "101") for village in ("200", "201", "202")]
    next_offset = {f"t.{p}:{n}": 0 for p in ("ecommerce", "tourism") for n in range(3)}
    polls = []
    for _ in range(count):
        poll = []
        for position in rng.sample(sorted(next_offset), 3):
            program = position.split(".")[1].split(":")[0]
            for _ in range(rng.randint(1, 6)):
                offset = next_offset[position]
                next_offset[position] += 1
                changes = [(rng.choice(villages), {"events": 1, "income_fen": rng.randint(-500, 5000),
                                                    "people.poor": rng.choice([0, 1, -1])})]
                poll.append((position, offset, program, rng.choice(["2026-01", "2026-02", "2026-03"]), changes))
        polls.append(poll)
        if rng.random() < 0.3:
            polls.append(poll[: rng.randint(1, len(poll))])   # redelivered after a crash
    return polls


def _children_from_months(stats, area, group):
    """What a dashboard's children are, summed from the month documents."""
    level = {"620000": "county", "621200": "county", "621202": "township", "621202100": "village"}[area]
    bucket = (lambda d: d["area"][:4] + "00") if area == "620000" else (lambda d: d["area"])
    docs = [d for d in stats.stats.find({"level": level, "group": group}, {"offsets": 0})
            if d["area"].startswith(area.rstrip("0") if level == "county" else area)]
    return _split(docs, bucket)


def test_area_totals_give_the_children_the_month_documents_sum_to(stats):
    for poll in _random_polls():
        stats.add_many(poll)
    for area in ("620000", "621200", "621202", "621202100"):
        seen = stats.overview(area, ["ecommerce", "tourism"], ["ecommerce", "tourism"])
        for group in ("ecommerce", "tourism"):
            expected = _children_from_months(stats, area, group)
            assert expected and seen["children"][group] == expected, (area, group)


def test_area_totals_made_on_an_upgrade_are_those_kept_as_events_arrive(stats):
    live = stats
    upgraded = Stats(live.stats.database.client[live.stats.database.name + "_up"])
    polls = _random_polls(seed=9, count=16)
    before = len(_random_polls(seed=9, count=12))   # the same first polls
    for poll in polls[:before]:
        live.add_many(poll)
    upgraded.stats.insert_many(list(live.stats.find({})))     # month documents only, as before this release
    assert upgraded.upgrade() == {"folded": 0, "totalled": live.area_totals.count_documents({})}
    assert upgraded.upgrade() == {}                           # once per database
    assert _docs(upgraded.area_totals) == _docs(live.area_totals)
    # …and they guard as the live ones do: a redelivery adds nothing, what follows does.
    for each in (live, upgraded):
        for poll in polls[before - 3:]:
            each.add_many(poll)
    assert _docs(upgraded.area_totals) == _docs(live.area_totals)


def test_a_stopped_upgrade_runs_again_without_counting_twice(stats):
    stats.stats.insert_many(_old_documents())
    stats.fold_partitions()
    stats.total_areas()                        # the process died before recording it
    stats.stats.insert_many(_old_documents())  # …and before deleting the old documents
    stats.area_totals.update_one({"_id": f"{COUNTY}|ecommerce"}, {"$set": {"events": 99}})
    assert stats.upgrade() == {"folded": 6, "totalled": 0}
    assert stats.overview(COUNTY, ["ecommerce"], ["ecommerce"])["children"]["ecommerce"] == {
        TOWNSHIP: {"events": 13, "people": {"poor": 5}}}
    assert stats.overview(TOWNSHIP, ["ecommerce"], ["ecommerce"])["children"]["ecommerce"] == {
        VILLAGE: {"events": 13, "people": {"poor": 5}}}
    assert stats.area_totals.find_one({"_id": f"{COUNTY}|ecommerce"})["events"] == 99  # left, not redone


def _docs(collection):
    return {d["_id"]: d for d in collection.find({})}
