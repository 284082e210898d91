"""Outbound webhooks on the real broker and store, the worker as a real process: every
matching stream event reaches the partner's receiver signed (verified with the
standardwebhooks library), once in the happy path, in order per household when the receiver
was down, nothing lost when the worker is SIGKILLed; secret rotation, 410 Gone, SSRF."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.events.topics import Topics
from shared.kafka.admin import ensure_topics
from shared.kafka.producer import make_producer
from shared.store import auth_db, make_client
from deploy.local.processes import Processes
from services.webhooks.app import create_app
from services.webhooks.config import WebhookSettings
from tests.integration.webhooks_support import Receiver, household, publish, stream_event
from tests.support import PASSWORD, USERS, isolated_env, wait_until

HOOK_ENV = {"WEBHOOKS_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOKS_POLL_INTERVAL": "0.2", "WEBHOOKS_REQUEST_TIMEOUT": "3",
            # Short waits so a test sees many retries; 40 attempts before giving up.
            "WEBHOOKS_RETRY_SCHEDULE": ",".join(["0", "0.2"] + ["0.5"] * 38)}


class World:
    def __init__(self, env, run_dir):
        self.env = env
        self.settings = Settings.from_env("webhooks", env)
        self.mongo = make_client(self.settings)
        self.db = self.mongo[self.settings.database_name]
        self.app = create_app(self.settings, WebhookSettings.from_env(env))
        self.app.config["TESTING"] = True
        self.client = self.app.test_client()
        self.procs = Processes(run_dir, env)
        self.producer = make_producer(self.settings)
        self.stream = Topics(env["JINGZHUN_TOPIC_PREFIX"]).stream
        store = AuthStore(auth_db(self.mongo, self.settings))
        self.tokens = {}
        for username, (role, county, program) in USERS.items():
            store.upsert_user(username, PASSWORD, role, county, program)
            self.tokens[username] = store.issue_token(username, "tests")

    def h(self, user="central"):
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def partner(self, **fields) -> dict:
        body = {"name": "花椒电商平台", "kind": "ecommerce_platform", "contact": "张经理 13800000000",
                "programs": ["ecommerce"], "areas": ["621202"], **fields}
        r = self.client.post("/api/partners", json=body, headers=self.h())
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def endpoint(self, partner_id: str, url: str, **fields) -> dict:
        r = self.client.post(f"/api/partners/{partner_id}/endpoints", headers=self.h(),
                             json={"url": url, "event_types": ["ecommerce.sale.*"], **fields})
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def deliveries(self, endpoint_id: str) -> list[dict]:
        return list(self.db["deliveries"].find({"endpoint_id": endpoint_id}))

    def close(self):
        self.procs.stop_all()
        self.producer.close(timeout=5)
        self.mongo.close()


@pytest.fixture(scope="module")
def world(stack, tmp_path_factory):
    env = {**isolated_env("whout"), **HOOK_ENV}
    w = World(env, tmp_path_factory.mktemp("run"))
    ensure_topics(w.settings)
    w.procs.start("webhooks-worker")
    yield w
    w.close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def sale_numbers(arrivals, household_id):
    return [a["payload"]["data"]["quantity"] for a in arrivals if a["payload"].get("household_id") == household_id]


def test_each_matching_event_arrives_once_signed_and_stripped(world, receiver):
    partner = world.partner()
    endpoint = world.endpoint(partner["id"], receiver.url)
    receiver.secrets = [s["secret"] for s in endpoint["secrets"]]
    assert endpoint["secrets"][0]["secret"].startswith("whsec_")
    h1, h2, elsewhere = household(), household(), household("621222")
    events = [stream_event(h, n) for n in range(1, 4) for h in (h1, h2)]
    ignored = [stream_event(h1, 9, program="tourism", event_type="cn.jingzhun.tourism.booking.recorded.v1"),
               stream_event(elsewhere, 9, village="621222100201"),
               stream_event(h1, 9, event_type="cn.jingzhun.ecommerce.enrolment.started.v1")]
    publish(world.producer, world.stream, events + ignored)

    wait_until(lambda: len(receiver.received) >= 6, timeout=60, message="six deliveries")
    time.sleep(2)  # nothing more comes
    assert not receiver.unverified
    assert len(receiver.received) == 6 and len(set(receiver.ids())) == 6
    arrivals = receiver.first_arrivals()
    assert sale_numbers(arrivals, h1) == [1, 2, 3] and sale_numbers(arrivals, h2) == [1, 2, 3]
    payload = arrivals[0]["payload"]
    assert payload["type"] == "ecommerce.sale.recorded" and "王建国" not in str(payload)
    assert "head_name" not in payload["data"] and "recorded_by" not in payload["data"]
    assert {d["status"] for d in world.deliveries(endpoint["id"])} == {"delivered"}

    log = world.client.get(f"/api/endpoints/{endpoint['id']}/deliveries", headers=world.h("auditor")).get_json()
    assert log["total"] == 6
    first = log["items"][0]
    assert first["log"][0]["status_code"] == 204 and first["log"][0]["latency_ms"] >= 0
    assert world.client.get(f"/api/endpoints/{endpoint['id']}/deliveries",
                            headers=world.h("county_wudu")).status_code == 403

    # Replay of a time range: every event of the range again, with the same webhook-ids.
    now = datetime.now(timezone.utc)
    r = world.client.post(f"/api/endpoints/{endpoint['id']}/replay", headers=world.h(),
                          json={"from": (now - timedelta(hours=1)).isoformat(), "to": now.isoformat()})
    assert r.status_code == 202 and len(r.get_json()["items"]) == 6
    wait_until(lambda: len(receiver.received) >= 12, timeout=60, message="the replayed range")
    assert sorted(receiver.ids()[6:]) == sorted(receiver.ids()[:6])


def test_receiver_down_then_up_gets_everything_in_order(world, receiver):
    partner = world.partner()
    endpoint = world.endpoint(partner["id"], receiver.url)
    receiver.secrets = [s["secret"] for s in endpoint["secrets"]]
    receiver.mode = "down"
    h1, h2 = household(), household()
    publish(world.producer, world.stream, [stream_event(h, n) for n in range(1, 6) for h in (h1, h2)])

    def retried():
        return any(d["attempts"] >= 3 for d in world.deliveries(endpoint["id"]))
    wait_until(retried, timeout=60, message="failed attempts while the receiver is down")
    # Only heads are attempted: the later events of a household were never sent meanwhile.
    attempted = [d for d in world.deliveries(endpoint["id"]) if d["attempts"]]
    assert {d["household_id"] for d in attempted} <= {h1, h2} and len(attempted) <= 2
    receiver.mode = "up"
    wait_until(lambda: len(set(receiver.ids())) >= 10, timeout=90, message="ten deliveries after recovery")
    arrivals = receiver.first_arrivals()
    assert sale_numbers(arrivals, h1) == [1, 2, 3, 4, 5] and sale_numbers(arrivals, h2) == [1, 2, 3, 4, 5]
    assert not receiver.unverified


def test_worker_killed_midway_loses_nothing(world):
    receiver = Receiver(delay=0.05)
    try:
        partner = world.partner()
        endpoint = world.endpoint(partner["id"], receiver.url)
        receiver.secrets = [s["secret"] for s in endpoint["secrets"]]
        homes = [household() for _ in range(4)]
        publish(world.producer, world.stream, [stream_event(h, n) for n in range(1, 9) for h in homes])
        wait_until(lambda: len(receiver.received) >= 5, timeout=60, message="some deliveries")
        world.procs.kill("webhooks-worker")             # SIGKILL mid-way
        publish(world.producer, world.stream, [stream_event(h, n) for n in range(9, 12) for h in homes])
        world.procs.start("webhooks-worker")
        wait_until(lambda: len(set(receiver.ids())) >= 44, timeout=120, message="all 44 deliveries")
        time.sleep(1)
        arrivals = receiver.first_arrivals()
        # At least once: a webhook-id may arrive twice (receivers dedupe by it); each arrives, in order.
        assert len(arrivals) == 44
        for h in homes:
            assert sale_numbers(arrivals, h) == list(range(1, 12))
        assert len(world.deliveries(endpoint["id"])) == 44
    finally:
        receiver.close()


def test_during_a_rotation_deliveries_verify_with_either_secret(world, receiver):
    partner = world.partner()
    endpoint = world.endpoint(partner["id"], receiver.url)
    old = endpoint["secrets"][0]["secret"]
    r = world.client.post(f"/api/endpoints/{endpoint['id']}/rotate", json={"overlap_seconds": 600}, headers=world.h())
    assert r.status_code == 200
    new = r.get_json()["secrets"][0]["secret"]
    assert new != old and [s["secret"] for s in r.get_json()["secrets"]] == [new, old]
    receiver.secrets = [old, new]
    # Secrets are the central office's: an auditor reads the endpoint with hints only.
    assert world.client.get(f"/api/endpoints/{endpoint['id']}/secrets", headers=world.h("auditor")).status_code == 403
    seen = world.client.get(f"/api/endpoints/{endpoint['id']}", headers=world.h("auditor")).get_json()
    assert "secrets" not in seen and len(seen["secret_hints"]) == 2 and new not in str(seen)
    assert "inbound_secret" not in world.client.get(f"/api/partners/{partner['id']}", headers=world.h("auditor")).get_json()
    h1 = household()
    publish(world.producer, world.stream, [stream_event(h1, 1)])
    wait_until(lambda: receiver.received, timeout=60, message="a delivery during the overlap")
    assert receiver.verified_with[receiver.ids()[0]] == {old, new}

    r = world.client.post(f"/api/endpoints/{endpoint['id']}/rotate", json={"overlap_seconds": 0}, headers=world.h())
    newest = r.get_json()["secrets"][0]["secret"]
    assert [s["secret"] for s in r.get_json()["secrets"]] == [newest]
    receiver.secrets = [old, new, newest]
    publish(world.producer, world.stream, [stream_event(h1, 2)])
    wait_until(lambda: len(receiver.received) >= 2, timeout=60, message="a delivery after the overlap")
    assert receiver.verified_with[receiver.ids()[1]] == {newest}


def test_410_gone_disables_the_endpoint_and_flags_the_partner(world, receiver):
    partner = world.partner()
    endpoint = world.endpoint(partner["id"], receiver.url)
    receiver.mode = "gone"
    h1 = household()
    publish(world.producer, world.stream, [stream_event(h1, 1), stream_event(h1, 2)])

    def disabled():
        return world.client.get(f"/api/endpoints/{endpoint['id']}", headers=world.h()).get_json()["status"] == "disabled"
    wait_until(disabled, timeout=60, message="the endpoint switched off")
    flagged = world.client.get(f"/api/partners/{partner['id']}", headers=world.h()).get_json()
    assert flagged["needs_action"] and "410" in flagged["action_reason"]
    time.sleep(1)
    states = sorted((d["seq"], d["status"], d["attempts"]) for d in world.deliveries(endpoint["id"]))
    assert [s[1:] for s in states] == [("failed", 1), ("pending", 0)]

    # The partner fixed its side: switched on again, the waiting event goes out.
    receiver.mode, receiver.secrets = "up", [s["secret"] for s in endpoint["secrets"]]
    r = world.client.patch(f"/api/endpoints/{endpoint['id']}", json={"status": "active"}, headers=world.h())
    assert r.status_code == 200, r.get_json()
    wait_until(lambda: receiver.received, timeout=60, message="the waiting event after switching on")
    assert sale_numbers(receiver.first_arrivals(), h1) == [2]


def test_test_event_and_replay_keep_the_webhook_id(world, receiver):
    partner = world.partner()
    endpoint = world.endpoint(partner["id"], receiver.url)
    receiver.secrets = [s["secret"] for s in endpoint["secrets"]]
    r = world.client.post(f"/api/endpoints/{endpoint['id']}/test", headers=world.h())
    assert r.status_code == 202
    wait_until(lambda: receiver.received, timeout=60, message="the test event")
    assert receiver.received[0]["payload"]["type"] == "webhooks.test"
    r = world.client.post(f"/api/deliveries/{r.get_json()['id']}/replay", headers=world.h())
    assert r.status_code == 202
    wait_until(lambda: len(receiver.received) >= 2, timeout=60, message="the replay")
    assert receiver.ids()[0] == receiver.ids()[1]
    assert world.client.post(f"/api/endpoints/{endpoint['id']}/test", headers=world.h("auditor")).status_code == 403


def test_ssrf_private_addresses_are_refused_unless_allow_listed(world):
    partner = world.partner()
    for url in ("http://10.0.0.5/hook", "http://192.168.1.20/hook", "http://169.254.169.254/latest",
                "http://[fd00::1]/hook"):
        r = world.client.post(f"/api/partners/{partner['id']}/endpoints", headers=world.h(),
                              json={"url": url, "event_types": ["ecommerce.*"]})
        assert r.status_code == 422 and "url" in r.get_json()["errors"]["json"], (url, r.get_json())
    strict = create_app(world.settings, WebhookSettings.from_env({})).test_client()
    for url in ("http://127.0.0.1:23999/hook", "http://localhost:23999/hook"):
        r = strict.post(f"/api/partners/{partner['id']}/endpoints", headers=world.h(),
                        json={"url": url, "event_types": ["ecommerce.*"]})
        assert r.status_code == 422 and "loopback" in str(r.get_json()["errors"]), url
    r = world.client.post(f"/api/partners/{partner['id']}/endpoints", headers=world.h(),
                          json={"url": "http://127.0.0.1:23999/hook", "event_types": ["ecommerce.*"]})
    assert r.status_code == 201
    r = world.client.post(f"/api/partners/{partner['id']}/endpoints", headers=world.h(),
                          json={"url": "http://127.0.0.1:23999/hook", "event_types": ["tourism.*"]})
    assert r.status_code == 422 and "event_types" in r.get_json()["errors"]["json"]


def test_ssrf_is_checked_again_at_delivery(world, receiver):
    """An endpoint whose address became private after it was saved (DNS changed; here: the
    stored URL changed under the API) gets no request: each attempt is logged as refused."""
    partner = world.partner()
    endpoint = world.endpoint(partner["id"], receiver.url)
    world.db["endpoints"].update_one({"_id": endpoint["id"]}, {"$set": {"url": "http://10.255.255.1/hook"}})
    world.db["meta"].update_one({"_id": "routing"}, {"$inc": {"rev": 1}})
    publish(world.producer, world.stream, [stream_event(household(), 1)])

    def refused():
        return [d for d in world.deliveries(endpoint["id"]) if d["attempts"] >= 2]
    delivery = wait_until(refused, timeout=60, message="attempts refused by the SSRF guard")[0]
    assert all(a["status_code"] is None and "private" in a["error"] for a in delivery["log"])
    assert all(a["latency_ms"] == 0 for a in delivery["log"])      # no request was made
    assert delivery["status"] == "pending" and not receiver.received


@pytest.fixture
def own(world):
    """A webhooks database of its own with the dispatcher in this process (the module's worker
    does not read it), with a short schedule and a limit of three failed attempts in a row."""
    from services.webhooks.domain.schedule import DisablePolicy
    from services.webhooks.service import Webhooks
    from services.webhooks.delivery.dispatch import Dispatcher
    from services.webhooks.delivery.intake import Intake
    settings = world.settings.with_(db_prefix=world.settings.db_prefix + "own")
    hooks = WebhookSettings(retry_schedule=(0, 0.1, 0.1, 0.1, 0.1, 0.1), disable=DisablePolicy(3600, 3),
                            allowed_hosts=frozenset({"127.0.0.1"}), request_timeout=2, threads=2)
    service = Webhooks.build(world.mongo[settings.database_name], None, hooks, {})
    dispatcher = Dispatcher(service.partners, service.deliveries, hooks)
    yield service, Intake(service.partners, service.deliveries), dispatcher
    dispatcher.pool.shutdown(wait=True)


def run_ticks(dispatcher, until, timeout=30):
    def done():
        dispatcher.tick()
        time.sleep(0.15)
        return until()
    wait_until(done, timeout=timeout, interval=0.05, message="the dispatcher's work")


def feed(intake, envelopes, offset=0):
    from shared.events.catalogue import CATALOGUE
    from shared.kafka.position import Position
    for i, envelope in enumerate(envelopes):
        intake.handle(envelope, CATALOGUE.check(envelope), Position("stream", 0, offset + i))


def test_continuous_failure_switches_the_endpoint_off_and_flags_the_partner(own, receiver):
    service, intake, dispatcher = own
    partner = service.create_partner({"name": "失联企业", "kind": "bank", "contact": "信贷部 0939-1",
                                      "programs": ["ecommerce"], "areas": []}, "test")
    endpoint = service.create_endpoint(partner, {"url": receiver.url, "event_types": ["*"]}, "test")
    receiver.mode = "down"
    h1 = household()
    feed(intake, [stream_event(h1, 1), stream_event(h1, 2)])
    run_ticks(dispatcher, lambda: service.partners.endpoint(endpoint["_id"])["status"] == "disabled")
    flagged = service.partners.partner(partner["_id"])
    assert flagged["needs_action"] and "3 attempts in a row" in flagged["action_reason"]
    first, second = sorted(service.deliveries.deliveries.find({"endpoint_id": endpoint["_id"]}), key=lambda d: d["seq"])
    assert (first["status"], first["attempts"], second["attempts"]) == ("pending", 3, 0)  # waiting, not given up
    run_ticks(dispatcher, lambda: service.deliveries.waiting(endpoint["_id"]) == 2 and all(
        e["next_at"].year == 9999 for e in service.deliveries.queue.find({"endpoint_id": endpoint["_id"]})))

    receiver.mode, receiver.secrets = "up", [endpoint["secrets"][0]["secret"]]
    service.edit_endpoint(endpoint, {"status": "active"})
    run_ticks(dispatcher, lambda: len(receiver.received) == 2)
    assert sale_numbers(receiver.first_arrivals(), h1) == [1, 2]
    assert service.partners.endpoint(endpoint["_id"])["consecutive_failures"] == 0


def test_retry_after_is_honoured(own, receiver):
    service, intake, dispatcher = own
    partner = service.create_partner({"name": "限流企业", "kind": "bank", "contact": "-", "programs": ["ecommerce"],
                                      "areas": []}, "test")
    endpoint = service.create_endpoint(partner, {"url": receiver.url, "event_types": ["*"]}, "test")
    receiver.mode = "busy"
    feed(intake, [stream_event(household(), 1)], offset=100)
    run_ticks(dispatcher, lambda: any(d["attempts"] for d in service.deliveries.deliveries.find(
        {"endpoint_id": endpoint["_id"]})))
    delivery = service.deliveries.deliveries.find_one({"endpoint_id": endpoint["_id"]})
    assert delivery["log"][0]["status_code"] == 429
    assert (delivery["next_at"] - delivery["log"][0]["at"]).total_seconds() >= 2    # not the schedule's 0.1 s
