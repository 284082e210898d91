"""Sessions (cookie flags, CSRF on every form, logout, login throttling), API tokens
(hashed, revocable) and the tamper-evident audit log — on every web service."""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.audit import AuditLog, audit_db_name, chained_id
from shared.audit.anchors import AnchorPublisher, audit_key, read_anchors
from shared.auth.store import AuthStore
from shared.config import Settings
from shared.kafka.admin import ensure_topics
from shared.store import auth_db, make_client
from tests.integration.conftest import NEW_HOUSEHOLD
from tests.integration.hardening_support import create_apps, fill, login_session, routes, web_services
from tests.support import PASSWORD, ROOT, USERS, isolated_env


@pytest.fixture(scope="module")
def env(stack):
    env = isolated_env("sessions")
    env.update(LOGIN_MAX_FAILURES="3", LOGIN_WINDOW_S="60", LOGIN_LOCKOUT_S="2")
    settings = Settings.from_env("registry", env)
    ensure_topics(settings)
    mongo = make_client(settings)
    store = AuthStore(auth_db(mongo, settings))
    for username, (role, county, program) in USERS.items():
        store.upsert_user(username, PASSWORD, role, county, program)
    yield env
    mongo.close()


@pytest.fixture(scope="module")
def apps(env):
    return create_apps(env)


@pytest.fixture(scope="module")
def store(apps):
    return apps["registry"].extensions["auth_store"]


@pytest.fixture(scope="module")
def audit(apps):
    return apps["registry"].extensions["audit_log"]


def _login(client, username, password=PASSWORD, address="10.0.0.1"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


# --- cookies ------------------------------------------------------------------------------
@pytest.mark.parametrize("service", web_services())
def test_the_session_cookie_is_httponly_lax_and_secure_when_served_over_https(env, apps, service):
    r = _login(apps[service].test_client(), "central")
    assert r.status_code == 302
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie   # JINGZHUN_DEV: http
    https = {k: v for k, v in env.items() if k != "JINGZHUN_DEV"}
    assert Settings.from_env(service, https).session_cookie_secure          # the default outside dev
    secure = create_apps({**env, "SESSION_COOKIE_SECURE": "1"})[service]
    r = _login(secure.test_client(), "central")
    assert "Secure" in r.headers["Set-Cookie"]


def test_outside_dev_a_service_refuses_to_start_without_a_real_secret(env):
    prod = {k: v for k, v in env.items() if k not in ("JINGZHUN_DEV", "SECRET_KEY")}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_apps(prod)


def test_secrets_come_from_files(env, tmp_path):
    (tmp_path / "key").write_text("a-secret-from-a-file-0123456789\n")
    settings = Settings.from_env("registry", {**env, "SECRET_KEY_FILE": str(tmp_path / "key"),
                                              "ID_NUMBER_KEY_FILE": str(tmp_path / "key")})
    assert settings.secret_key == settings.id_number_key == "a-secret-from-a-file-0123456789"


# --- CSRF on every form ------------------------------------------------------------------------
@pytest.mark.parametrize("service", web_services())
def test_every_ui_post_without_the_csrf_token_is_refused(apps, service):
    app = apps[service]
    problems, posts = [], 0
    for rule, method, _ in routes(app, api=False):
        if method != "POST":
            continue
        posts += 1
        client = app.test_client()
        if rule.endpoint != "auth.login":
            login_session(client, "central")
        for data in ({}, {"csrf_token": "forged"}):
            r = client.post(fill(rule, "H621202ABCDEFGHJK"), data=data)
            if r.status_code not in (400, 403):
                problems.append(f"POST {rule.rule} with {data or 'no token'}: {r.status_code}")
    assert posts >= 2 and not problems, "\n".join(problems)


def test_a_cookie_caller_of_the_api_needs_the_csrf_header(apps):
    client = apps["registry"].test_client()
    token = login_session(client, "central")
    assert client.post("/api/households", json=NEW_HOUSEHOLD).status_code == 403
    assert client.post("/api/households", json=NEW_HOUSEHOLD, headers={"X-CSRF-Token": token}).status_code == 201


# --- logout -------------------------------------------------------------------------------------
@pytest.mark.parametrize("service", web_services())
def test_logout_ends_the_session(apps, service):
    client = apps[service].test_client()
    assert _login(client, "central").status_code == 302
    home = client.get("/", follow_redirects=True)   # a service's home may lead to its main list
    assert home.status_code == 200 and home.request.path != "/login"
    token = re.search(r'name="csrf_token" value="([^"]+)"', home.get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/login"


# --- login throttling -------------------------------------------------------------------------
def test_repeated_failures_lock_the_user_out_for_a_while_across_services(apps):
    services = web_services()
    for i in range(3):   # LOGIN_MAX_FAILURES=3, each on another service: the store counts them all
        r = _login(apps[services[i % len(services)]].test_client(), "auditor", "wrong-password", f"10.1.0.{i}")
        assert r.status_code == 401
    r = _login(apps[services[-1]].test_client(), "auditor", PASSWORD, "10.1.0.9")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1    # even the right password
    time.sleep(2.5)                                                        # LOGIN_LOCKOUT_S=2
    assert _login(apps[services[0]].test_client(), "auditor", PASSWORD, "10.1.0.9").status_code == 302


def test_one_address_trying_many_names_is_locked_out(apps):
    client = apps["registry"].test_client()
    for i in range(12):   # 4 x LOGIN_MAX_FAILURES, spread over names that do not exist
        assert _login(client, f"guess{i}", "wrong-password", "10.2.0.1").status_code == 401
    assert _login(client, "central", PASSWORD, "10.2.0.1").status_code == 429
    assert _login(client, "central", PASSWORD, "10.2.0.2").status_code == 302


# --- API tokens --------------------------------------------------------------------------------
def test_tokens_are_stored_hashed_and_can_be_revoked_from_the_cli(env, apps, store):
    token = store.issue_token("tourism_op", "to revoke")
    assert store.tokens.count_documents({"_id": token}) == 0
    assert not any(token in str(doc) for doc in store.tokens.find())
    client = apps["tourism"].test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/enrolments", headers=headers).status_code == 200
    listed = [t for t in store.list_tokens("tourism_op") if t["name"] == "to revoke"]
    assert len(listed) == 1 and listed[0]["id"] not in token
    cli = [sys.executable, "-m", "shared.auth.cli"]
    run_env = {**env, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(cli + ["list-tokens", "tourism_op"], env=run_env, capture_output=True, text=True, check=True)
    assert listed[0]["id"] in out.stdout and token not in out.stdout
    subprocess.run(cli + ["revoke-token", "tourism_op", listed[0]["id"]], env=run_env, check=True, capture_output=True)
    assert client.get("/api/enrolments", headers=headers).status_code == 401
    other = store.issue_token("tourism_op", "all of them")
    subprocess.run(cli + ["revoke-token", "tourism_op", "--all"], env=run_env, check=True, capture_output=True)
    assert store.principal_for_token(other) is None


def _id_number(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


# --- the audit log --------------------------------------------------------------------------------
def test_changes_logins_and_unmasked_id_numbers_are_in_the_audit_log(apps, audit, store):
    token = store.issue_token("central", "audit")
    client = apps["registry"].test_client()
    household = {**NEW_HOUSEHOLD, "members": [{**NEW_HOUSEHOLD["members"][0], "id_number": _id_number("62120219680101001")}]}
    r = client.post("/api/households", json=household, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.get_json()
    hid = r.get_json()["id"]
    client.get(f"/api/households/{hid}", headers={"Authorization": f"Bearer {token}"})
    entries = audit.recent(20, who="central")
    change = next(e for e in entries if e["action"] == "change" and e["what"]["path"] == "/api/households")
    assert change["service"] == "registry" and change["what"]["status"] == 201
    shown = [e for e in entries if e["action"] == "personal_data_shown"]
    assert any(hid in e["what"]["subjects"] for e in shown)
    _login(apps["ecommerce"].test_client(), "county_wudu", PASSWORD, "10.3.0.1")
    assert any(e["action"] == "login" and e["service"] == "ecommerce" for e in audit.recent(5, who="county_wudu"))
    assert audit.verify() == []


def test_concurrent_appends_keep_one_unbroken_chain(env, audit):
    before = audit.entries.count_documents({})
    settings = Settings.from_env("registry", env)
    logs = [AuditLog(make_client(settings)[audit_db_name(env["JINGZHUN_DB_PREFIX"])], audit_key(settings))
            for _ in range(4)]

    def append(log, n):
        for i in range(10):
            log.append(f"writer{n}", "test", "change", {"i": i})
    threads = [threading.Thread(target=append, args=(log, n)) for n, log in enumerate(logs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert audit.entries.count_documents({}) == before + 40
    assert audit.verify() == []


def test_requests_append_to_chains_of_their_own_threads_with_one_insert(apps, audit, store):
    """Every request's entry goes to its thread's chain (one insert, nothing read), each chain
    opened once by a main-chain entry; the log verifies on the real store."""
    token = store.issue_token("ecommerce_op", "chains")
    client = apps["ecommerce"].test_client()
    headers = {"Authorization": f"Bearer {token}"}
    main_before = audit.entries.count_documents({})
    for _ in range(3):
        r = client.post("/api/stations", json={"name": "站", "village_code": "621202104201", "township": "镇",
                                               "village": "村", "keeper": "李四"}, headers=headers)
        assert r.status_code == 201, r.get_json()
    ecommerce_log = apps["ecommerce"].extensions["audit_log"]
    mine = [e for e in ecommerce_log.recent(10) if e["service"] == "ecommerce" and e["action"] == "change"]
    assert len(mine) >= 3 and audit.entries.count_documents({}) <= main_before + 1
    assert audit.verify() == []


def test_verify_finds_an_edited_and_a_deleted_entry(env, audit):
    for i in range(3):
        audit.append("central", "test", "change", {"i": i})
    cli = [sys.executable, "-m", "shared.audit", "verify"]
    run_env = {**env, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    assert subprocess.run(cli, env=run_env, capture_output=True, text=True).returncode == 0
    last = audit.last()["_id"]
    audit.entries.update_one({"_id": last - 1}, {"$set": {"who": "someone-else"}})
    problems = audit.verify()
    assert problems == [f"entry {last - 1}: its content does not match its hash (edited?)"]
    out = subprocess.run(cli, env=run_env, capture_output=True, text=True)
    assert out.returncode == 1 and "edited" in out.stdout
    audit.entries.delete_one({"_id": last - 2})
    assert any("missing" in p for p in audit.verify())


def test_the_end_of_the_chain_is_found_by_lookups_from_any_starting_point(env, stack):
    """A process that has never appended (or saw an old end, or a log since emptied) finds
    the true end: the next append links to it and the chain stays whole."""
    settings = Settings.from_env("registry", env)
    db = make_client(settings)[audit_db_name(env["JINGZHUN_DB_PREFIX"]) + "_end"]
    key = audit_key(settings)
    writer = AuditLog(db, key)
    assert writer.last() is None and writer.recent() == []
    for i in range(37):
        writer.append("central", "test", "change", {"i": i})
    stale = AuditLog(db, key)
    stale._seen = 5
    for log in (AuditLog(db, key), stale):
        assert log.last()["_id"] == 37
    assert stale.append("central", "test", "change", {"i": "late"})["_id"] == 38
    assert [e["_id"] for e in writer.recent(4)] == [38, 37, 36, 35]
    assert AuditLog(db, key).verify() == []
    db["entries"].delete_many({})
    assert writer.last() is None and writer.append("central", "test", "change", {})["_id"] == 1


def test_verify_finds_edits_and_deletions_in_a_per_thread_chain_on_the_real_store(env, stack):
    settings = Settings.from_env("registry", env)
    db = make_client(settings)[audit_db_name(env["JINGZHUN_DB_PREFIX"]) + "_chains"]
    key = audit_key(settings)
    log = AuditLog(db, key)

    def write(n):
        for i in range(12):   # past 9 and 10: the numbers sort as text, zero-padded
            log.record(f"writer{n}", "test", "change", {"i": i})
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(write, range(3)))
    chains = db["entries"].count_documents({})   # one opening entry per thread that wrote
    assert 1 <= chains <= 3 and db["chained"].count_documents({}) == 36 - chains
    assert AuditLog(db, key).verify() == []
    victim = db["chained"].find_one({"seq": 10})
    db["chained"].update_one({"_id": victim["_id"]}, {"$set": {"what": {"i": -1}}})
    assert AuditLog(db, key).verify() == [f"chain {victim['chain']} entry 10: its content does not match its hash (edited?)"]
    db["chained"].delete_one({"_id": victim["_id"]})
    assert f"chain {victim['chain']}: entries 10..10 are missing (deleted?)" in AuditLog(db, key).verify()


def test_entries_cut_from_a_chains_end_are_found_by_its_anchor_on_the_broker(env):
    """Each process publishes its chains' heads to a compacted topic; `verify` (the CLI, reading
    the broker) finds an anchored entry that was cut from the store, though the chain still links."""
    own = {**env, "JINGZHUN_DB_PREFIX": env["JINGZHUN_DB_PREFIX"] + "anchors",   # a log and anchors of its own:
           "JINGZHUN_TOPIC_PREFIX": env["JINGZHUN_TOPIC_PREFIX"] + "anchors"}    # other tests here break theirs
    settings = Settings.from_env("registry", own)
    ensure_topics(settings)
    publisher = AnchorPublisher(settings, interval=3600)   # published here by flush(), not by the clock
    store = make_client(settings)[audit_db_name(settings.db_prefix)]
    log = AuditLog(store, audit_key(settings), anchors=publisher)
    written = [log.record("central", "test", "change", {"i": i}) for i in range(4)]
    assert publisher.flush() == 2                          # the main chain's head and the new chain's
    chain = written[1]["chain"]
    anchors = read_anchors(settings)
    assert anchors[chain]["seq"] == 3 and anchors[chain]["hash"] == written[-1]["hash"]
    cli = [sys.executable, "-m", "shared.audit", "verify"]
    run_env = {**own, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(cli, env=run_env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    log.chained.delete_one({"_id": chained_id(chain, 3)})   # cut the newest entry: the rest still links
    assert log.verify() == []
    out = subprocess.run(cli, env=run_env, capture_output=True, text=True)
    assert out.returncode == 1 and f"chain {chain} entry 3: anchored at" in out.stdout, out.stdout


def test_a_revoked_token_stops_working_within_the_stated_bound(apps, store):
    """A web process trusts a token it looked up for at most PRINCIPAL_TTL_S (the CLI waits
    that long); revoked behind its back, the token is refused once the bound has passed."""
    from shared.auth.store import PRINCIPAL_TTL_S
    token = store.issue_token("auditor", "bound")
    client = apps["photovoltaic"].test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/enrolments", headers=headers).status_code == 200
    store.revoke_token(token)
    time.sleep(PRINCIPAL_TTL_S)
    assert client.get("/api/enrolments", headers=headers).status_code == 401
