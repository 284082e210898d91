"""Endpoint secrets (``whsec_`` + base64 of 24 random bytes) and their rotation: after a
rotation the old secret stays valid for an overlap period, and every delivery in that period
carries a signature with each valid secret (space-separated in ``webhook-signature``). A
partner's report is verified the same way, with its inbound secret (``verify``)."""
from __future__ import annotations

import base64
import json
import secrets as random_secrets
from datetime import datetime, timedelta

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from shared.programs.refused import Refused

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(random_secrets.token_bytes(24)).decode()


def hint(secret: str) -> str:
    return secret[:10] + "…"


def rotated(current: list[dict], now: datetime, overlap_seconds: float) -> list[dict]:
    """The secrets after a rotation: a new one, the ones still valid expiring after the overlap."""
    until = now + timedelta(seconds=overlap_seconds)
    kept = [{**s, "expires_at": min(s["expires_at"], until) if s.get("expires_at") else until}
            for s in valid(current, now)] if overlap_seconds > 0 else []
    return [{"secret": new_secret(), "created_at": now, "expires_at": None}] + kept


def valid(current: list[dict], now: datetime) -> list[dict]:
    return [s for s in current if not s.get("expires_at") or s["expires_at"] > now]


def body(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def headers(msg_id: str, when: datetime, text: str, signing: list[str]) -> dict:
    """Standard Webhooks headers, signed with every secret given (the library signs)."""
    signature = " ".join(Webhook(s).sign(msg_id, when, text) for s in signing)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": signature, "content-type": "application/json"}


def verify(secret: str, body: bytes, headers: dict) -> None:
    """A partner's signed report: Refused (401, with its reason) unless the headers are there,
    the timestamp within the library's 5 minutes and a signature matches the body."""
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError as exc:
        text = str(exc)
        if "timestamp too" in text:
            raise Refused(f"webhook-timestamp outside the 5-minute tolerance ({text})",
                          status=401, reason="stale_timestamp") from None
        if "Missing" in text:
            raise Refused("webhook-id, webhook-timestamp and webhook-signature are required",
                          status=401, reason="missing_headers") from None
        raise Refused("the webhook-signature does not match the body with your inbound secret",
                      status=401, reason="bad_signature") from None
    except (ValueError, TypeError) as exc:  # malformed signature entries (no "v1,")
        raise Refused(f"the webhook-signature is malformed ({exc.__class__.__name__})",
                      status=401, reason="bad_signature") from None
