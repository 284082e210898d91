"""Webhooks rules: event-type matching, the retry schedule, per-household order, the payload
whitelist, the SSRF guard and secret rotation."""
import random
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook

from services.webhooks.domain import secrets
from services.webhooks.domain.matching import matches, pattern_matches, scope_problems, short_type
from services.webhooks.domain.ordering import is_head
from services.webhooks.domain.payload import partner_payload
from services.webhooks.domain.schedule import (DEFAULT_SCHEDULE, DisablePolicy, next_attempt_at, parse_schedule,
                                               retry_after_seconds)
from services.webhooks.domain.ssrf import UnsafeUrl, check_url

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)


def test_short_type_and_patterns():
    assert short_type("cn.jingzhun.microcredit.loan.disbursed.v1") == "microcredit.loan.disbursed"
    assert pattern_matches("microcredit.loan.*", "microcredit.loan.disbursed")
    assert not pattern_matches("microcredit.loan.*", "microcredit.repayment.recorded")
    assert pattern_matches("microcredit.*", "microcredit.repayment.recorded")
    assert pattern_matches("*.sale.recorded", "ecommerce.sale.recorded")
    assert not pattern_matches("*.sale.recorded", "ecommerce.sale.refunded")
    assert pattern_matches("ecommerce.sale.recorded", "ecommerce.sale.recorded")
    assert not pattern_matches("ecommerce.sale", "ecommerce.sale.recorded")
    assert pattern_matches("*", "tourism.booking.recorded")


PARTNER = {"_id": "P-1", "programs": ["ecommerce", "microcredit"], "areas": ["621202"]}
EVENT = {"program": "ecommerce", "event_type": "cn.jingzhun.ecommerce.sale.recorded.v1",
         "village_code": "621202100201"}


def test_matching_stays_within_what_the_partner_may_see():
    endpoint = {"event_types": ["ecommerce.*"], "programs": [], "areas": []}
    assert matches(endpoint, PARTNER, EVENT)
    assert not matches(endpoint, PARTNER, {**EVENT, "village_code": "621222100201"})   # another county
    assert not matches({**endpoint, "event_types": ["*"]}, PARTNER,
                       {**EVENT, "program": "tourism", "event_type": "cn.jingzhun.tourism.booking.recorded.v1"})
    assert not matches({**endpoint, "areas": ["621202999"]}, PARTNER, EVENT)
    assert matches({**endpoint, "areas": ["621202100"]}, PARTNER, EVENT)
    assert not matches({**endpoint, "programs": ["microcredit"]}, PARTNER, EVENT)
    assert scope_problems({"programs": ["tourism"], "areas": ["621222"], "event_types": ["tourism.*"]}, PARTNER).keys() \
        == {"programs", "areas", "event_types"}
    assert scope_problems({"programs": ["ecommerce"], "areas": ["621202100"], "event_types": ["*"]}, PARTNER) == {}


def test_default_schedule_is_ten_attempts_over_about_three_days():
    assert DEFAULT_SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
    assert 2.5 < sum(DEFAULT_SCHEDULE) / 86400 < 3.5
    assert parse_schedule("") == DEFAULT_SCHEDULE
    assert parse_schedule("0,0.2,1") == (0, 0.2, 1)
    with pytest.raises(ValueError):
        parse_schedule("1,-1")


def test_backoff_with_jitter_then_give_up():
    rnd = random.Random(7)
    waits = [(next_attempt_at(n, DEFAULT_SCHEDULE, NOW, rnd=rnd) - NOW).total_seconds() for n in range(1, 10)]
    for wait, nominal in zip(waits, DEFAULT_SCHEDULE[1:]):
        assert 0.8 * nominal <= wait <= 1.2 * nominal
    assert len({round(w / n, 3) for w, n in zip(waits, DEFAULT_SCHEDULE[1:])}) > 1   # jittered, not fixed
    assert next_attempt_at(10, DEFAULT_SCHEDULE, NOW) is None


def test_retry_after_is_honoured_when_longer():
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds("Sun, 29 Nov 2026 09:00:00 GMT", NOW) == 3600
    assert retry_after_seconds("soon", NOW) is None
    wait = (next_attempt_at(1, DEFAULT_SCHEDULE, NOW, retry_after=120) - NOW).total_seconds()
    assert wait == 120
    assert (next_attempt_at(3, DEFAULT_SCHEDULE, NOW, retry_after=1) - NOW).total_seconds() >= 1800 * 0.8


def test_disable_after_time_or_attempts():
    policy = DisablePolicy(after_seconds=3600, after_attempts=5)
    assert not policy.should_disable(NOW - timedelta(minutes=59), 4, NOW)
    assert policy.should_disable(NOW - timedelta(minutes=61), 1, NOW)
    assert policy.should_disable(NOW, 5, NOW)
    assert not DisablePolicy(3600, 0).should_disable(NOW, 1000, NOW)


def test_only_the_head_of_a_household_line_is_due():
    a = {"_id": "a", "line": "H1", "seq": 10, "status": "pending"}
    b = {"_id": "b", "line": "H1", "seq": 12, "status": "pending"}
    assert is_head(a, [b]) and not is_head(b, [a])
    assert is_head(b, [{**a, "status": "delivered"}]) and is_head(b, [{**a, "status": "failed"}])
    assert is_head({"_id": "t", "line": None, "seq": 0, "status": "pending"}, [a])   # a test event or replay
    assert is_head({**b, "line": "H2"}, []) and is_head(a, [b])


def test_payload_keeps_only_the_whitelist():
    event = {"household_id": "H621202100201000001", "event_id": "e1", "event_type": "cn.jingzhun.ecommerce.sale.recorded.v1",
             "program": "ecommerce", "occurred_at": "2026-11-01T00:00:00Z", "title_en": "Sale by 王建国",
             "title_zh": "王建国 销售", "income_fen": 600, "amount_fen": 720, "county_code": "621202",
             "village_code": "621202100201", "village": "寺背村", "area": {"county": "武都区"}, "status": "assisted",
             "total_income_fen": 9000, "summary": {"x": 1},
             "data": {"sale_id": "S1", "product": "花椒", "amount_fen": 720, "sold_on": "2026-11-01",
                      "head_name": "王建国", "id_number": "620000196801010011", "members": ["王建国"],
                      "note": "call 138", "recorded_by": "op", "phone": "138", "file": {"a": 1}}}
    payload = partner_payload(event)
    assert payload["data"] == {"sale_id": "S1", "product": "花椒", "amount_fen": 720, "sold_on": "2026-11-01"}
    assert payload["type"] == "ecommerce.sale.recorded"
    assert "王建国" not in str(payload) and "620000196801010011" not in str(payload) and "summary" not in payload


def test_ssrf_guard():
    def resolver(addresses):
        return lambda host: addresses
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "fd00::1", "0.0.0.0"):
        with pytest.raises(UnsafeUrl):
            check_url("https://partner.example/hook", resolver=resolver([address]))
    check_url("https://partner.example/hook", resolver=resolver(["93.184.216.34"]))
    with pytest.raises(UnsafeUrl):   # one private address among public ones is enough to refuse
        check_url("https://partner.example/hook", resolver=resolver(["93.184.216.34", "10.0.0.1"]))
    check_url("http://127.0.0.1:23001/hook", allowed={"127.0.0.1"})
    with pytest.raises(UnsafeUrl):
        check_url("ftp://partner.example/")
    with pytest.raises(UnsafeUrl):
        check_url("http://127.0.0.1:23001/hook")


def test_rotation_signs_with_both_secrets_during_the_overlap():
    first = [{"secret": secrets.new_secret(), "created_at": NOW, "expires_at": None}]
    both = secrets.rotated(first, NOW, 3600)
    assert len(secrets.valid(both, NOW + timedelta(minutes=59))) == 2
    assert [s["secret"] for s in secrets.valid(both, NOW + timedelta(minutes=61))] == [both[0]["secret"]]
    text = secrets.body({"a": 1})
    when = datetime.now(timezone.utc)
    headers = secrets.headers("msg_1", when, text, [s["secret"] for s in secrets.valid(both, NOW)])
    assert len(headers["webhook-signature"].split(" ")) == 2
    for s in both:
        assert Webhook(s["secret"]).verify(text, headers) == {"a": 1}
    with pytest.raises(Exception):
        Webhook(secrets.new_secret()).verify(text, headers)


@pytest.mark.parametrize("address", [
    "100.100.100.200",        # a cloud's metadata service, in the shared address space 100.64.0.0/10
    "100.64.0.1", "198.18.0.1", "192.0.0.1", "240.0.0.1", "255.255.255.255", "224.0.0.1",
    "2001:db8::1", "fe80::1", "::ffff:10.0.0.1", "::ffff:100.100.100.200",
    "2002:a00:1::1",          # 6to4 of 10.0.0.1
    "64:ff9b::a00:1",         # NAT64 of 10.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo of a client at 10.0.0.1
])
def test_ssrf_guard_refuses_every_address_that_is_not_globally_routable(address):
    with pytest.raises(UnsafeUrl):
        check_url("https://partner.example/hook", resolver=lambda host: [address])


def test_ssrf_guard_names_the_checked_address_as_the_target():
    target = check_url("https://partner.example:8443/hook?x=1", resolver=lambda host: ["93.184.216.34"])
    assert (target.url, target.host, target.address) == ("https://93.184.216.34:8443/hook?x=1", "partner.example",
                                                         "93.184.216.34")
    six = check_url("http://partner.example/", resolver=lambda host: ["2606:2800:220:1:248:1893:25c8:1946"])
    assert six.url == "http://[2606:2800:220:1:248:1893:25c8:1946]/"
    answers = iter([["93.184.216.34"], ["10.0.0.1"]])   # a name that would rebind on a second lookup
    assert check_url("https://partner.example/", resolver=lambda host: next(answers)).address == "93.184.216.34"
