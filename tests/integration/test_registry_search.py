"""The search of household files (HouseholdRepository.search): its page and total are those
of every matching file, sorted by county, name and id, whatever the filter, scope and page."""
import re

import pytest

from bench import workload
from services.registry.adapters.households import HIDDEN, HouseholdRepository
from services.registry.adapters.persons import IdProtection
from services.registry.domain.households import new_summary
from shared.config import Settings
from shared.store import make_client
from tests.support import isolated_env


@pytest.fixture(scope="module")
def repo(stack):
    settings = Settings.from_env("registry", isolated_env("hhsearch"))
    client = make_client(settings)
    repo = HouseholdRepository(client[settings.database_name], IdProtection(settings))
    repo.ensure_indexes()
    repo.create_many(workload.households(240), by="tests")
    repo.households.update_many({"_id": {"$in": [workload.household_id(i) for i in range(0, 240, 7)]}},
                                {"$set": {"status": "exited"}})
    yield repo
    client.close()


def expected(repo, query, skip, limit):
    # Every match as the store finds it without pushdown ($and), sorted and paged here.
    every = sorted(repo.households.find({"$and": [query]}, HIDDEN),
                   key=lambda d: (d["county_code"], d["head_name"], d["_id"]))
    # No events were applied to these files: each is shown with an empty summary and no warnings.
    page = [{**d, "summary": new_summary(), "warnings": []} for d in every[skip:skip + limit]]
    return page, len(every)


@pytest.mark.parametrize("scope, q, area, status, skip, limit", [
    ({}, None, None, None, 0, 50),
    ({}, "王", "621202", None, 0, 5),
    ({}, "王", "621202", None, 5, 5),
    ({}, "王建", "621222", None, 0, 50),
    ({}, "李", None, "exited", 0, 3),
    ({"county_code": "621223"}, None, None, None, 20, 10),
    ({"county_code": "621223"}, "张", "621223", "identified", 0, 50),
    ({}, None, "621202101", None, 0, 50),
    ({}, "nobody", None, None, 0, 50),
    ({}, "王", "621202", None, 500, 50),
])
def test_a_page_and_its_total_are_those_of_every_match_sorted(repo, scope, q, area, status, skip, limit):
    query = dict(scope)
    if area:
        query["village_code" if len(area) > 6 else "county_code"] = {"$regex": "^" + area} if len(area) > 6 else area
    if status:
        query["status"] = status
    if q:
        query["head_name"] = {"$regex": "^" + re.escape(q)}
    items, total = repo.search(scope, q, area, status, skip, limit)
    assert (items, total) == expected(repo, query, skip, limit)
    assert total > 0 or q == "nobody"
