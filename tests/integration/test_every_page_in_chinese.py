"""Every page of every service, read in Chinese, is in Chinese (issue 19).

A small Jingzhun with every process of the Procfile on the real stack is filled with the demo's
own data (deploy/local/demo_data.py, through the services' HTTP APIs), plus what the demo
does not make: an exit proposed, a change request, an import run and a webhook delivery.
Then every service's pages are read in zh-CN, in-process, as the people who may see them:
starting from every page without parameters and following the links the pages give, until
every GET page route of the service's URL map has been read at least once with real ids (a
route no page links to fails the test: add the record that reaches it). Every word a person
sees is checked (tests/untranslated.py): a code name or an English word fails, named with
its page."""
from __future__ import annotations

import io
import re
import socket
from collections import defaultdict, deque
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from deploy.local import demo_data
from deploy.local.processes import Processes, procfile
from shared.auth.roles import READ, Principal
from shared.config import SERVICE_PORTS, Settings
from shared.gazetteer.store import Gazetteer
from shared.kafka.admin import ensure_topics
from shared.store import gazetteer_db, make_client
from tests.integration.hardening_support import create_apps, login_session, routes, web_services
from tests.integration.webhooks_support import Receiver
from tests.support import USERS, isolated_env, users_with_tokens, wait_until
from tests.untranslated import untranslated, visible_text

HOUSEHOLDS = 16
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
# The names people log in with are data, shown as "proposed by", "recorded by".
LOGIN_NAMES = frozenset(USERS)
# Who reads each service's pages: the roles that see different things on them.
READERS = ("central", "auditor", "county_wudu", "cadre_wudu", "ecommerce_op", "tourism_op", "microcredit_op",
           "relocation_op")
PER_ROUTE = 3      # concrete pages read per route and reader: enough to meet every kind of record


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _is_page(rule) -> bool:
    return ("GET" in (rule.methods or ()) and not rule.rule.startswith("/api/")
            and not rule.rule.endswith((".csv", ".json")) and not rule.endpoint.endswith("static"))


def page_rules(app) -> list:
    return [rule for rule, method, _ in routes(app, api=False) if method == "GET" and _is_page(rule)]


class World:
    def __init__(self, env, apps, tokens, urls):
        self.env, self.apps, self.tokens, self.urls = env, apps, tokens, urls

    def api(self, service, method, path, user="central", **kw):
        client = self.apps[service].test_client()
        return client.open(path, method=method, headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kw)


def _endpoint(world: World, receiver: Receiver) -> None:
    """A partner's endpoint for e-commerce sales, made before the demo's sales so they are
    delivered. Through the web process: it runs with WEBHOOKS_ALLOWED_HOSTS (the receiver is local)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {world.tokens['central']}"
    partner = session.post(f"{world.urls['webhooks']}/api/partners", timeout=10, json={
        "name": "花椒电商平台", "kind": "ecommerce_platform", "contact": "张经理 13800000000",
        "programs": ["ecommerce"], "areas": ["621202", "621222"]}).json()
    r = session.post(f"{world.urls['webhooks']}/api/partners/{partner['id']}/endpoints", timeout=10,
                     json={"url": receiver.url, "event_types": ["ecommerce.sale.*"]})
    assert r.status_code == 201, r.text


def _registry_records(world: World, household_ids: list[str]) -> None:
    """Exits proposed (the files that meet the criteria go on to the township's check; the others
    are refused, which is a page's message too), a change request waiting for the county and an
    import run with a bad row."""
    for hid in household_ids[:8]:
        r = world.api("registry", "POST", f"/api/households/{hid}/exit-steps",
                      json={"step": "propose_exit", "reason": "民主评议通过"})
        if r.status_code == 200:
            world.api("registry", "POST", f"/api/households/{hid}/exit-steps",
                      json={"step": "township_check", "reason": "乡镇核查"}, user="county_wudu")
    r = world.api("registry", "POST", f"/api/households/{household_ids[0]}/change-requests",
                  json={"kind": "edit_fields", "reason": "核实收入",
                        "payload": {"fields": {"income_per_capita_fen": 330000}}})
    assert r.status_code == 201, r.get_json()
    csv_text = ("户编号,村代码,乡镇,村,主要致贫原因,人均纯收入（元）,姓名,与户主关系,性别,出生年份\n"
                "R1,621202104201,汉王镇,寺背村,因病,2100,王一,户主,男,1968\n"
                "R2,999999999999,汉王镇,寺背村,因病,abc,王二,户主,男,1968\n")
    r = world.api("registry", "POST", "/api/imports?dry_run=true", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(csv_text.encode()), "households.csv")})
    assert r.status_code == 202, r.get_json()


def _photovoltaic_records(world: World) -> None:
    """A village station with a member, a month's report and its distribution, a report not yet
    distributed and a fault: the demo
    builds stations only where two of its households share a village, which a small demo may lack."""
    enrolled = world.api("photovoltaic", "GET", "/api/enrolments?per_page=10").get_json()["items"]
    hid = enrolled[0]["household_id"]
    village = world.api("photovoltaic", "GET", f"/api/households/{hid}").get_json()["village_code"]

    def post(path, body):
        r = world.api("photovoltaic", "POST", path, json=body)
        assert r.status_code in (200, 201), (path, r.get_json())
        return r.get_json()
    station = post("/api/installations", {"kind": "station", "name": "寺背村光伏电站", "capacity_kw": 100,
                                          "commissioned_on": "2025-06-01", "village_code": village})
    post(f"/api/installations/{station['id']}/members", {"household_id": hid, "shares": 2})
    post("/api/reports", {"installation_id": station["id"], "month": "2026-10", "kwh": 9000,
                          "tariff_fen_per_kwh": 40, "source": "power_company"})
    post("/api/distributions", {"installation_id": station["id"], "month": "2026-10", "mode": "dividends"})
    post("/api/reports", {"installation_id": station["id"], "month": "2026-11", "kwh": 8000,   # not distributed: editable
                          "tariff_fen_per_kwh": 40, "source": "operator"})
    post("/api/faults", {"installation_id": station["id"], "down_since": "2026-11-20", "cause": "inverter"})


@pytest.fixture(scope="module")
def world(stack, tmp_path_factory):
    env = isolated_env("zhpages")
    ports = {name: _free_port() for name in SERVICE_PORTS}
    env.update({f"{name.upper()}_PORT": str(port) for name, port in ports.items()})
    # One gunicorn worker each: the web processes only take the demo's load (pages are read in-process).
    env.update(WEBHOOKS_ALLOWED_HOSTS="127.0.0.1", WEBHOOKS_POLL_INTERVAL="0.2", WEB_CONCURRENCY="1")
    settings = Settings.from_env("registry", env)
    ensure_topics(settings)
    mongo = make_client(settings)
    tokens = users_with_tokens(mongo, settings)
    urls = {name: f"http://127.0.0.1:{ports[name]}" for name in web_services()}
    world = World(env, create_apps(env), tokens, urls)
    procs = Processes(tmp_path_factory.mktemp("zhpages-run"), env)
    receiver = Receiver()
    try:
        for name in procfile():
            procs.start(name)
        for name, url in urls.items():
            wait_until(lambda: _answers(url), timeout=90, message=f"{name}'s web process")
        _endpoint(world, receiver)
        counts = demo_data.load(urls, tokens["central"], Gazetteer(gazetteer_db(mongo, settings)),
                                households=HOUSEHOLDS, seed=19)
        assert counts["households"] == HOUSEHOLDS
        ids = [h["id"] for h in world.api("registry", "GET", "/api/households?per_page=100").get_json()["items"]]
        _registry_records(world, ids)
        demo_data.file_villages(urls["registry"], tokens["central"])
        _photovoltaic_records(world)
        webhooks_db = mongo[Settings.from_env("webhooks", env).database_name]
        wait_until(lambda: webhooks_db["deliveries"].find_one(), timeout=90, message="a webhook delivery")
        yield world
    finally:
        procs.stop_all()
        receiver.close()
        mongo.close()


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"#]+)', html)


def _crawl(world: World, service: str, reader: str) -> tuple[dict, list[str]]:
    """Read the service's pages as ``reader``: {rule: pages read with 200} and the problems."""
    app = world.apps[service]
    client = app.test_client()
    login_session(client, reader)
    adapter = app.url_map.bind("localhost")
    pages = {rule.rule: rule for rule in page_rules(app)}
    read, problems, seen = defaultdict(list), [], set()
    queue = deque(rule.rule for rule in pages.values() if not rule.arguments)
    own = urlsplit(world.urls[service])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        r = client.get(path, headers=ZH, follow_redirects=True)
        if r.status_code != 200:
            continue
        rule = _rule_of(adapter, urlsplit(path).path)
        if rule is not None:
            read[rule].append(path)   # reached; a PDF's words are the card page's, read as HTML
        if r.mimetype != "text/html":
            continue
        html = r.get_data(as_text=True)
        for chunk in visible_text(html):
            words = untranslated(chunk, LOGIN_NAMES)
            if words:
                problems.append(f"{service} {path} as {reader}: {', '.join(words)}  «{chunk[:160]}»")
        for href in _links(html):
            link = urlsplit(href.replace("&amp;", "&"))
            if link.netloc and link.netloc != own.netloc:
                continue
            target = _rule_of(adapter, link.path)
            if target in pages and len(read[target]) < PER_ROUTE and link.path not in seen:
                queue.append(link.path)
    return read, problems


def _rule_of(adapter, path: str) -> str | None:
    try:
        rule, _ = adapter.match(path, method="GET", return_rule=True)
    except (HTTPException, RequestRedirect):
        return None
    return rule.rule


def _readers(service: str) -> list[str]:
    """Who reads ``service``'s pages: every reader allowed to, but one program operator for all
    those of other programs (they read it alike, e.g. the registry), so its pages are not read
    four times over."""
    readers, other_programs = [], False
    for user in READERS:
        role, _county, program = USERS[user]
        if not Principal(user, *USERS[user]).can(READ, service):
            continue
        if role == "program_operator" and program != service:
            if other_programs:
                continue
            other_programs = True
        readers.append(user)
    return readers


@pytest.mark.parametrize("service", web_services())
def test_every_page_reads_in_chinese(world, service):
    read, problems = defaultdict(list), []
    for reader in _readers(service):
        pages, found = _crawl(world, service, reader)
        for rule, paths in pages.items():
            read[rule].extend(paths)
        problems.extend(found)
    unread = [rule.rule for rule in page_rules(world.apps[service]) if rule.rule not in read]
    assert not unread, f"{service}: no page linked to these, so nothing read them: {unread}"
    assert not problems, f"{len(problems)} texts not in Chinese on {service}'s pages:\n" + "\n".join(
        sorted(set(problems)))
