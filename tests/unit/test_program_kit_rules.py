"""The program kit's rules that every program shares (issue 17): the county scope on a query,
and the check on the household a record names, with one status code each."""
import pytest

from shared.programs.households import NOT_ENROLLED_STATUS, UNKNOWN_HOUSEHOLD_STATUS, HouseholdGuard
from shared.programs.records import NO_COUNTY, prefix, scoped
from shared.programs.refused import Refused

OWN, OTHER = "621202", "621223"


def test_a_caller_who_sees_every_county_gets_the_query_and_may_ask_for_one():
    assert scoped({}) == {}
    assert scoped({}, {"status": "open"}) == {"status": "open"}
    assert scoped({}, county_code=OTHER) == {"county_code": OTHER}


def test_a_county_scoped_caller_is_held_to_its_county_and_gets_nothing_of_another():
    assert scoped({"county_code": OWN}, {"status": "open"}) == {"status": "open", "county_code": OWN}
    assert scoped({"county_code": OWN}, county_code=OWN) == {"county_code": OWN}
    assert scoped({"county_code": OWN}, county_code=OTHER) == {"county_code": NO_COUNTY}
    assert scoped({"county_code": OWN}, {"county_code": OTHER}) == {"county_code": NO_COUNTY}


def test_filters_left_empty_are_not_filters():
    assert scoped({}, kind=None, name="", village_code="621202100201") == {"village_code": "621202100201"}


def test_a_prefix_is_matched_literally_and_without_its_blanks():
    assert prefix(" 王.") == {"$regex": "^王\\."}


class View:
    def __init__(self, files):
        self.files = files

    def get(self, household_id):
        return self.files.get(household_id)

    def recent(self, household_id):
        return self.files.get(household_id)


class Enrolled:
    def __init__(self, ids):
        self.ids = set(ids)

    def is_enrolled(self, household_id):
        return household_id in self.ids

    def recently_enrolled(self, household_id):
        return household_id in self.ids


def guard():
    files = {"HA": {"_id": "HA", "status": "poor"}, "HB": {"_id": "HB", "status": "poor"}}
    return HouseholdGuard(View(files), Enrolled({"HA"}), "e-commerce")


def test_an_enrolled_household_passes_and_its_file_is_returned():
    assert guard().require_enrolled("HA") == {"_id": "HA", "status": "poor"}
    assert guard().require_enrolled_recently("HA")["_id"] == "HA"
    assert guard().refusal("HA") is None


def test_an_unknown_household_is_bad_input_and_a_known_one_not_enrolled_a_conflict():
    with pytest.raises(Refused) as unknown:
        guard().require_enrolled("HZ", field="members")
    assert unknown.value.status == UNKNOWN_HOUSEHOLD_STATUS == 422
    assert unknown.value.errors == {"members": ["unknown household HZ (not in the registry's files known here)"]}
    with pytest.raises(Refused) as not_enrolled:
        guard().require_enrolled_recently("HB")
    assert not_enrolled.value.status == NOT_ENROLLED_STATUS == 409
    assert not_enrolled.value.errors == {"household_id": ["household HB is not enrolled in e-commerce"]}
