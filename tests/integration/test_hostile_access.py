"""Hostile input and access, across every web service, route and role (discovered: see
hardening_support). The apps run in-process on the real store; the households reach the
program services' read models through the real relay and read-model processes."""
from __future__ import annotations

import pytest

from shared.auth.roles import APPROVE, READ, WRITE, Principal
from shared.kafka.admin import ensure_topics
from shared.config import Settings
from shared.store import make_client
from deploy.local.processes import Processes, procfile
from tests.integration.conftest import NEW_HOUSEHOLD
from tests.integration.hardening_support import (bounded_query, create_apps, fill, is_read, login_session,
                                                 queries_aimed_at, routes, web_services)
from tests.support import USERS, isolated_env, users_with_tokens, wait_until

MAX_BODY = 64 * 1024
MAX_UPLOAD = 256 * 1024
WUDU, WENXIAN = "621202", "621222"


class World:
    def __init__(self, env, apps, tokens, households, procs):
        self.env, self.apps, self.tokens, self.households, self.procs = env, apps, tokens, households, procs

    def headers(self, user):
        return {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}

    def household_for(self, user) -> str:
        county = USERS[user][1] if user else None
        return self.households[WENXIAN if county == WENXIAN else WUDU]


@pytest.fixture(scope="module")
def world(stack, tmp_path_factory):
    env = isolated_env("hostile")
    env.update(MAX_BODY_BYTES=str(MAX_BODY), MAX_UPLOAD_BYTES=str(MAX_UPLOAD))
    settings = Settings.from_env("registry", env)
    ensure_topics(settings)
    mongo = make_client(settings)
    tokens = users_with_tokens(mongo, settings)
    apps = create_apps(env)
    households = {}
    for county, village in ((WUDU, "621202104201"), (WENXIAN, "621222100201")):
        body = {**NEW_HOUSEHOLD, "village_code": village}
        r = apps["registry"].test_client().post("/api/households", json=body,
                                                headers={"Authorization": f"Bearer {tokens['central']}"})
        assert r.status_code == 201, r.get_json()
        households[county] = r.get_json()["id"]
    procs = Processes(tmp_path_factory.mktemp("hostile-run"), env)
    programs = [s for s in web_services() if f"{s}-households" in procfile()]
    try:
        procs.start("registry-relay")
        for service in programs:
            procs.start(f"{service}-households")
        for service in programs:
            db = mongo[Settings.from_env(service, env).database_name]
            for hid in households.values():
                wait_until(lambda: db["households"].find_one({"_id": hid}), timeout=90,
                           message=f"{hid} in the {service} read model")
                r = apps[service].test_client().post("/api/enrolments", json={"household_id": hid},
                                                     headers={"Authorization": f"Bearer {tokens['central']}"})
                assert r.status_code == 201, (service, r.get_json())
        yield World(env, apps, tokens, households, procs)
    finally:
        procs.stop_all()
        mongo.close()


# Parametrising needs the routes before the fixture exists: build the apps once, offline
# (no request is sent; MongoClient connects lazily).
_OFFLINE = {}


def _offline_apps():
    if not _OFFLINE:
        _OFFLINE.update(create_apps(isolated_env("routes")))
    return _OFFLINE


def route_params(api=None, writes_only=False):
    params = []
    for service, app in _offline_apps().items():
        for rule, method, endpoint in routes(app, api):
            if writes_only and (method == "GET" or is_read(app, endpoint, method)):
                continue
            params.append(pytest.param(service, rule.rule, method, id=f"{service}:{method}:{rule.rule}"))
    return params


def _rule(world, service, rule_text):
    return next(r for r in world.apps[service].url_map.iter_rules() if r.rule == rule_text)


def _call(world, service, rule_text, method, user=None, household=None, query="", **kw):
    app = world.apps[service]
    rule = _rule(world, service, rule_text)
    path = fill(rule, household or world.household_for(user))
    extra = bounded_query(app, rule)
    query = "&".join(q for q in (query, extra) if q)
    client = app.test_client()
    headers = dict(kw.pop("headers", {}))
    if user and rule_text.startswith("/api/"):
        headers.update(world.headers(user))
    elif user:
        token = login_session(client, user)
        if method not in ("GET", "HEAD"):
            kw.setdefault("data", {})
            if isinstance(kw["data"], dict):
                kw["data"] = {"csrf_token": token, **kw["data"]}
    return client.open(path + (f"?{query}" if query else ""), method=method, headers=headers, **kw)


# --- query-operator injection ---------------------------------------------------------
@pytest.mark.parametrize("service, rule, method", route_params())
def test_operator_keys_in_the_query_string_are_refused_everywhere(world, service, rule, method):
    r = _call(world, service, rule, method, user="central", query="%24where=sleep(100)&household_id.%24gt=")
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:300])


@pytest.mark.parametrize("service, rule, method", route_params(api=True, writes_only=True))
def test_operator_keys_in_json_bodies_are_refused_with_each_key_named(world, service, rule, method):
    body = {"household_id": {"$gt": ""}, "$where": "sleep(100)", "members": [{"name": {"$ne": None}}],
            "a.b": 1}
    r = _call(world, service, rule, method, user="central", json=body)
    assert r.status_code == 400, (r.status_code, r.get_json())
    errors = r.get_json()["errors"]["json"]
    assert {"household_id/$gt", "$where", "members/0/name/$ne", "a.b"} <= set(errors)


@pytest.mark.parametrize("service, rule, method", route_params(api=False, writes_only=True))
def test_operator_keys_in_forms_are_refused(world, service, rule, method):
    r = _call(world, service, rule, method, user="central", data={"$where": "1", "household_id[$ne]": "x"})
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:300])


# --- oversized bodies -----------------------------------------------------------------
@pytest.mark.parametrize("service, rule, method", route_params(writes_only=True))
def test_bodies_over_the_limit_get_413_in_the_error_shape(world, service, rule, method):
    app = world.apps[service]
    endpoint = _rule(world, service, rule).endpoint
    view = app.view_functions[endpoint]
    limit = MAX_UPLOAD + 256 * 1024 if getattr(getattr(view, "view_class", view), "large_upload", False) else MAX_BODY
    if rule.startswith("/api/"):
        blob = b'{"note": "' + b"x" * (limit + 1) + b'"}'
        r = _call(world, service, rule, method, user="central", data=blob, headers={"Content-Type": "application/json"})
    else:
        r = _call(world, service, rule, method, user="central", data={"note": "x" * (limit + 1)})
    assert r.status_code == 413, (r.status_code, r.get_data(as_text=True)[:300])
    if rule.startswith("/api/"):
        assert r.get_json()["code"] == 413 and r.get_json()["status"] == "Request Entity Too Large"


def test_an_import_between_the_body_limit_and_the_upload_limit_is_taken(world):
    import io
    header = "household_ref,village_code,township,village,main_cause,income_per_capita_yuan,name,relation,sex,birth_year\n"
    text = header + "".join(f"R{i},621202104201,汉王镇,寺背村,illness,2100,王{i},head,male,1968\n" for i in range(2000))
    data = text.encode()
    assert MAX_BODY < len(data) < MAX_UPLOAD
    r = world.apps["registry"].test_client().post(
        "/api/imports?dry_run=true", headers=world.headers("central"),
        data={"file": (io.BytesIO(data), "big.csv")}, content_type="multipart/form-data")
    assert r.status_code == 202, r.get_json()


# --- the access matrix -----------------------------------------------------------------
ROLES_UNDER_TEST = [None] + list(USERS)


def _principal(user):
    role, county, program = USERS[user]
    return Principal(user, role, county, program)


@pytest.mark.parametrize("user", ROLES_UNDER_TEST)
@pytest.mark.parametrize("service", list(_offline_apps()))
def test_every_role_on_every_route_gets_what_its_role_allows(world, service, user):
    app = world.apps[service]
    problems = []
    for rule, method, endpoint in routes(app):
        if endpoint.startswith("auth.") or endpoint in ("layout.asyncapi",) or endpoint.endswith(".static"):
            continue
        action = READ if is_read(app, endpoint, method, rule) else WRITE
        r = _call(world, service, rule.rule, method, user=user,
                  json={} if rule.rule.startswith("/api/") and method != "GET" else None)
        status = r.status_code
        allowed = user is not None and _principal(user).can(action, service)
        view = app.view_functions[endpoint]
        if getattr(getattr(view, "view_class", view), "signed_by_partner", False):
            # Partners' reports are let in by their signature, not by a login (webhooks
            # inbound; tests/integration/test_webhooks_inbound.py): unsigned, every caller
            # is refused, whatever the role.
            if not 400 <= status < 500:
                problems.append(f"{method} {rule.rule} as {user or 'nobody'} (unsigned report): {status}")
            continue
        if getattr(view, "public", False):
            # Pages anyone may open (the public notice, issue 18): never a login asked for,
            # whoever calls; a form without its CSRF token is still refused (403).
            asked_to_log_in = status == 401 or "/login" in r.headers.get("Location", "")
            ok = status < 500 and not asked_to_log_in and (status != 403 or method != "GET")
        elif user is None:
            ok = status == 401 if rule.rule.startswith("/api/") else status in (302, 303, 401, 403)
        elif not allowed:
            # A UI form may look its record up before it checks the role: an unknown one is
            # then 404 — nothing written either way. The API checks the role first (factory).
            ok = status == 403 or (status == 404 and not rule.rule.startswith("/api/"))
        elif action == WRITE and not _principal(user).can(APPROVE, service):
            ok = status < 500 and status != 401   # some writes are approvals (exit steps): 403 is right
        else:
            ok = status not in (401, 403) and status < 500
        if status >= 500 or not ok:
            problems.append(f"{method} {rule.rule} as {user or 'nobody'} ({action}, allowed={allowed}): {status}")
    assert not problems, "\n".join(problems)


# --- county scoping ----------------------------------------------------------------------
@pytest.mark.parametrize("service", list(_offline_apps()))
def test_a_county_operator_sees_and_changes_nothing_of_another_county(world, service):
    app = world.apps[service]
    theirs = world.households[WENXIAN]
    before = app.extensions["mongo"][Settings.from_env("registry", world.env).database_name]["households"] \
        .find_one({"_id": theirs})
    problems = []
    for user in ("county_wudu", "cadre_wudu"):
        for rule, method, endpoint in routes(app):
            if endpoint.startswith("auth.") or endpoint.endswith(".static") or endpoint == "layout.asyncapi":
                continue
            names_household = any("household" in a for a in rule.arguments)
            r = _call(world, service, rule.rule, method, user=user, household=theirs,
                      json={"household_id": theirs} if rule.rule.startswith("/api/") and method != "GET" else None)
            body = r.get_data(as_text=True)
            if r.status_code >= 500:
                problems.append(f"{method} {rule.rule} as {user}: {r.status_code}")
            elif names_household and r.status_code not in (403, 404, 422) and not (
                    method == "GET" and r.status_code == 302):
                problems.append(f"{method} {rule.rule} ({theirs}) as {user}: {r.status_code}")
            elif method == "GET" and r.status_code == 200 and theirs in body:
                problems.append(f"GET {rule.rule} as {user} shows {theirs}")
            if method == "GET" and rule.rule.startswith("/api/") and not names_household:
                for query in queries_aimed_at(app, rule, WENXIAN, theirs):
                    r = _call(world, service, rule.rule, method, user=user, household=theirs, query=query)
                    if r.status_code >= 500 or (r.status_code == 200 and theirs in r.get_data(as_text=True)):
                        problems.append(f"GET {rule.rule}?{query} as {user}: {r.status_code}, shows {theirs}")
    after = app.extensions["mongo"][Settings.from_env("registry", world.env).database_name]["households"] \
        .find_one({"_id": theirs})
    assert not problems, "\n".join(problems)
    assert before == after


def test_the_scoping_test_sees_what_a_person_of_that_county_sees(world):
    """The county test above cannot pass by seeing nothing: the Wenxian operator does see it."""
    for service in _offline_apps():
        if not _principal("county_wenxian").can(READ, service):
            continue   # the central office's own services show a county nothing (access matrix)
        app = world.apps[service]
        list_routes = [r for r, m, e in routes(app, api=True) if m == "GET" and not r.arguments]
        seen = [r.rule for r in list_routes
                if world.households[WENXIAN] in _call(world, service, r.rule, "GET", user="county_wenxian")
                .get_data(as_text=True)]
        assert seen, f"no list of {service} shows the household to its own county"
