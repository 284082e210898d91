"""Where an event is counted: the household's file as it stood when the event happened
(services/registry/domain/households.py, place_at) — pure logic."""
from services.registry.domain.households import counted_place, place_at

F1 = {"status": "identified", "village_code": "621202104201", "version": 1, "updated_at": "2026-12-01T00:00:00Z",
      "members": [], "head_name": "王"}
F2 = {**F1, "village_code": "621202101203", "version": 2}
F3 = {**F2, "status": "exited", "version": 3}
# Versions take effect at their file event's time, which a change recorded later dates back.
VERSIONS = [{"valid_from": "2026-01-10T04:00:00Z", "file": F1}, {"valid_from": "2026-03-01T04:00:00Z", "file": F2},
            {"valid_from": "2026-06-01T04:00:00Z", "file": F3}]
NOW = counted_place({**F3, "version_time": "2026-06-01T04:00:00Z"})


def test_an_event_after_the_newest_version_counts_where_the_household_is_now():
    assert place_at("2026-07-01T00:00:00Z", NOW, []) == NOW


def test_an_older_event_counts_in_the_version_of_its_time():
    assert place_at("2026-02-01T00:00:00Z", NOW, VERSIONS[::-1])["village_code"] == "621202104201"
    assert place_at("2026-03-01T04:00:00Z", NOW, VERSIONS)["version"] == 2      # the moment it took effect
    assert place_at("2026-05-31T23:59:59Z", NOW, VERSIONS)["status"] == "identified"


def test_an_event_before_the_first_version_counts_in_the_first_and_without_versions_in_the_current():
    assert place_at("2025-12-01T00:00:00Z", NOW, VERSIONS[1:] + VERSIONS[:1])["version"] == 1
    assert place_at("2025-12-01T00:00:00Z", NOW, []) == NOW


def test_a_place_kept_by_an_earlier_release_has_no_time_and_is_used_as_it_is():
    old = {"status": "assisted", "village_code": "621202104201"}
    assert place_at("2020-01-01T00:00:00Z", old, VERSIONS) == old


def test_the_counted_place_holds_what_counting_needs_and_since_when():
    assert counted_place(F1) == {"status": "identified", "village_code": "621202104201", "version": 1,
                                 "since": "2026-12-01T00:00:00Z"}                # a file of an earlier release
    assert counted_place(F1, "2026-01-10T04:00:00Z")["since"] == "2026-01-10T04:00:00Z"
    assert counted_place({**F1, "version_time": "2026-01-10T04:00:00Z"})["since"] == "2026-01-10T04:00:00Z"
    assert counted_place(NOW) == NOW                                            # a stored place, read again
