"""Redirects stay on the site (issue 18): the decision form and the login take their target
from the request; a target on another host (also written as a browser reads it:
``/\\host``) sends the person to the page's own default instead."""
from __future__ import annotations

import pytest

from tests.integration.registry_support import new_household, post

HOSTILE = ["//evil.example/phish", "/\\evil.example", "https://evil.example/", "/\t/evil.example"]


def _proposed(system) -> tuple[str, str]:
    """A household and a change request proposed for it: (household id, request id)."""
    hid = new_household(system)["id"]
    request = post(system, f"/api/households/{hid}/change-requests",
                   {"kind": "edit_fields", "reason": "核实", "payload": {"fields": {"income_per_capita_fen": 330000}}},
                   user="county_wudu", expect=201)
    return hid, request["id"]


def _decide(system, request_id, target):
    web = _web(system, "county_wudu")
    return web.post(f"/change-requests/{request_id}/decision",
                    data={"csrf_token": "csrf-redirects", "decision": "reject", "note": "x", "next": target})


def _web(system, user):
    web = system.client("registry")
    with web.session_transaction() as session:
        session["user"], session["csrf"] = user, "csrf-redirects"
    return web


@pytest.mark.parametrize("target", HOSTILE)
def test_the_decision_form_never_redirects_off_the_site(system, target):
    _, request_id = _proposed(system)
    r = _decide(system, request_id, target)
    assert r.status_code == 302
    assert r.headers["Location"] in ("/change-requests", "http://localhost/change-requests"), r.headers["Location"]


def test_the_decision_form_keeps_a_target_on_the_site(system):
    hid, request_id = _proposed(system)
    r = _decide(system, request_id, f"/households/{hid}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/households/{hid}")
