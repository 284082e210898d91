"""Demo partners for the webhooks service, through its HTTP API.

    load(service_url, token) -> counts

Two partners with their inbound secrets (shown on their pages to the central office). No
endpoint: a partner's callback URL must be a public address (the SSRF guard), which a demo on
one machine does not have — add one on the partner's page, or allow-list a local receiver
with WEBHOOKS_ALLOWED_HOSTS=127.0.0.1."""
from __future__ import annotations

import requests

PARTNERS = (
    {"name": "京东助农馆（演示）", "kind": "ecommerce_platform", "contact": "李经理 0939-8210001",
     "programs": ["ecommerce"], "areas": ["621202", "621222"], "platform": "jd"},
    {"name": "陇南农商银行（演示）", "kind": "bank", "contact": "信贷部 0939-8220002",
     "programs": ["microcredit"], "areas": ["621202"]},
)


def load(service_url: str, token: str) -> dict:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    made = 0
    for partner in PARTNERS:
        r = session.post(f"{service_url.rstrip('/')}/api/partners", json=partner, timeout=10)
        r.raise_for_status()
        made += 1
    return {"partners": made}
