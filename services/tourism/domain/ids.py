"""Record ids. Random where a record is simply new; derived from what identifies it where
recording it twice must be impossible (a month's wage of a job, a cooperative's dividend
run for a period): the store's unique _id then refuses the second copy."""
from __future__ import annotations

import uuid


def _random(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:14].upper()


def new_homestay_id() -> str:
    return _random("HS")


def new_booking_id() -> str:
    return _random("BK")


def new_job_id() -> str:
    return _random("JB")


def new_cooperative_id() -> str:
    return _random("CP")


def wage_payment_id(job_id: str, month: str) -> str:
    return f"{job_id}:{month}"


def dividend_run_id(cooperative_id: str, period: str) -> str:
    return f"{cooperative_id}:{period}"
