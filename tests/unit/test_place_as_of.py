"""Where an event is counted: the household's file as it stood when the event happened
(services/registry/domain/households.py, place_at) — pure logic."""
from services.registry.domain.households import counted_place, place_at

V1 = {"status": "identified", "village_code": "621202104201", "version": 1, "updated_at": "2026-01-10T00:00:00Z",
      "members": [], "head_name": "王"}
V2 = {**V1, "village_code": "621202101203", "version": 2, "updated_at": "2026-03-01T00:00:00Z"}
V3 = {**V2, "status": "exited", "version": 3, "updated_at": "2026-06-01T00:00:00Z"}


def test_an_event_after_the_newest_version_counts_where_the_household_is_now():
    assert place_at("2026-07-01T00:00:00Z", counted_place(V3), []) == counted_place(V3)


def test_an_older_event_counts_in_the_version_of_its_time():
    current = counted_place(V3)
    assert place_at("2026-02-01T00:00:00Z", current, [V3, V1, V2])["village_code"] == "621202104201"
    assert place_at("2026-03-01T00:00:00Z", current, [V1, V2, V3])["version"] == 2     # at the write itself
    assert place_at("2026-05-31T23:59:59Z", current, [V1, V2, V3])["status"] == "identified"


def test_an_event_before_the_first_version_counts_in_the_first_and_without_versions_in_the_current():
    assert place_at("2025-12-01T00:00:00Z", counted_place(V3), [V2, V1])["version"] == 1
    assert place_at("2025-12-01T00:00:00Z", counted_place(V3), []) == counted_place(V3)


def test_a_place_kept_by_an_earlier_release_has_no_time_and_is_used_as_it_is():
    old = {"status": "assisted", "village_code": "621202104201"}
    assert place_at("2020-01-01T00:00:00Z", old, [V1]) == old


def test_the_counted_place_holds_only_what_counting_needs():
    assert set(counted_place(V1)) == {"status", "village_code", "version", "updated_at"}
