"""Statistics written once per poll (Stats.add_many) count each record exactly once, as
record-by-record writes do — also when a redelivery after a crash overlaps what an earlier
poll with other boundaries already counted."""
from services.registry.adapters.stats import Stats
from shared.store import make_client
from shared.config import Settings
from tests.support import isolated_env

VILLAGE = "621202104201"


def _records(offsets, position="t.ecommerce.v1:0"):
    # +1 event each; income alternates +500/-500 so that some merged sums are zero.
    return [(position, o, "ecommerce", "2026-03", [(VILLAGE, {"events": 1, "income_fen": 500 if o % 2 else -500})])
            for o in offsets]


def _docs(stats):
    return {d["_id"]: {k: v for k, v in d.items() if k != "_id"} for d in stats.stats.find({})}


def _db(stack, name):
    settings = Settings.from_env("registry", isolated_env(name))
    client = make_client(settings)
    return client, client[settings.database_name]


def test_a_poll_written_at_once_counts_as_record_by_record(stack):
    client, db = _db(stack, "statsbat")
    try:
        one_by_one, batched = Stats(db.client[db.name + "_a"]), Stats(db.client[db.name + "_b"])
        for record in _records(range(10)):
            one_by_one.add(*record)
        batched.add_many(_records(range(0, 4)))
        batched.add_many(_records(range(4, 10)))
        assert _docs(batched) == _docs(one_by_one)
        assert batched.totals(VILLAGE, "ecommerce") == {"events": 10, "income_fen": 0}
    finally:
        client.close()


def test_a_redelivered_poll_that_overlaps_what_was_counted_adds_only_the_rest(stack):
    client, db = _db(stack, "statsred")
    try:
        stats = Stats(db)
        stats.add_many(_records(range(0, 3)))        # counted, then the consumer died before committing
        stats.add_many(_records(range(0, 7)))        # redelivered from offset 0 with more records
        stats.add_many(_records(range(5, 7)))        # and once more, fully counted already
        stats.add_many(_records(range(7, 8)))
        totals = stats.totals(VILLAGE, "ecommerce")
        assert totals["events"] == 8
        assert totals["income_fen"] == 0
        assert {d["offsets"]["t~ecommerce~v1:0"] for d in stats.stats.find({})} == {7}
    finally:
        client.close()
