"""Demo data of poverty-alleviation micro-credit (扶贫小额信贷), loaded through the service's
HTTP API: enrolled households rated (评级授信), each county's risk-compensation fund, and
loans over the last two years, each on the days it happened: most repaid on their due days
(some closed), a few weeks late, some left unpaid (the daily ``overdue`` job marks them), an
application in seventeen rejected."""
from __future__ import annotations

import random
from datetime import date, timedelta

import requests

from deploy.local.demo_calendar import after, history_start

PURPOSES = ("养殖肉牛", "养殖土鸡", "种植花椒", "种植中药材", "发展乡村旅游", "开办农家乐", "种植苹果", "养蜂")
BANKS = ("甘肃农信", "中国农业银行", "中国邮政储蓄银行")
GRADES = (("excellent", 5_000_000), ("good", 3_000_000), ("good", 3_000_000), ("fair", 1_000_000), ("poor", 0))


def load(service_url: str, token: str, household_ids: list[str], rng: random.Random,
         since: dict | None = None, today: date | None = None) -> dict:
    """``since``: the day each household was identified (default: the history's start)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(path: str, body: dict, ok=(200, 201)) -> dict:
        r = session.post(service_url + path, json=body, timeout=30)
        if r.status_code not in ok:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    today = today or date.today()
    start = history_start(today)
    since = since or {}
    counts = dict.fromkeys(("enrolled", "rated", "funds", "loans", "repayments", "late", "closed", "rejected"), 0)
    chosen = rng.sample(household_ids, k=max(1, len(household_ids) * 2 // 5))
    for county in sorted({hid[1:7] for hid in chosen}):
        call(f"/api/funds/{county}/deposits", {"amount_fen": rng.choice((50, 80, 100)) * 1_000_000,
                                                "deposited_on": start.isoformat(),
                                                "note": "县财政安排扶贫小额信贷风险补偿金"})
        counts["funds"] += 1
    for n, hid in enumerate(chosen):
        enrolled = after(since.get(hid, start), rng, 20, 120, today) or today
        call("/api/enrolments", {"household_id": hid, "note": "扶贫小额信贷", "enrolled_on": enrolled.isoformat()})
        counts["enrolled"] += 1
        grade, line = rng.choice(GRADES)
        rated_on = after(enrolled, rng, 0, 30, today) or today
        call("/api/ratings", {"household_id": hid, "grade": grade, "credit_line_fen": line,
                              "rated_on": rated_on.isoformat(), "note": "村评级小组评定"})
        counts["rated"] += 1
        if not line or rng.random() < 0.25:
            continue
        # Loans are applied for all through the two years; a loan repaid is often followed
        # by another (续贷).
        window = (today - rated_on).days - 15
        applied = rated_on + timedelta(days=rng.randint(3, window)) if window > 3 else None
        while applied is not None:
            closed = _loan(call, hid, n, line, applied, rng, today, counts)
            applied = after(closed, rng, 10, 60, today - timedelta(days=15)) if closed and rng.random() < 0.6 else None
    return counts


def _loan(call, hid: str, n: int, line: int, applied: date, rng: random.Random, today: date,
          counts: dict) -> date | None:
    """Applied, approved (one in 17 rejected), disbursed, repaid on the due days as far as
    today: most on the day or a few days early, some weeks late, a few stop paying (the
    daily ``overdue`` job marks them). Returns the day it was repaid in full, if it was."""
    term = rng.choice((6, 12, 12, 24, 36))
    loan = call("/api/loans", {"household_id": hid, "principal_fen": min(line, rng.choice((1, 2, 3, 5)) * 1_000_000),
                               "term_months": term, "method": rng.choice(("equal_instalments", "interest_only")),
                               "purpose": rng.choice(PURPOSES), "bank": rng.choice(BANKS),
                               "applied_on": applied.isoformat()})
    counts["loans"] += 1
    decided = applied + timedelta(days=5)
    if n % 17 == 0:
        call(f"/api/loans/{loan['id']}/reject", {"rejected_on": decided.isoformat(),
                                                 "reason": "贷款用途不符合产业扶持方向"})
        counts["rejected"] += 1
        return None
    call(f"/api/loans/{loan['id']}/approve", {"approved_on": decided.isoformat()})
    disbursed = decided + timedelta(days=rng.randint(2, 10))
    loan = call(f"/api/loans/{loan['id']}/disburse", {"disbursed_on": disbursed.isoformat()})
    stops = rng.random() < 0.08            # stops paying after a few instalments
    last_paid = disbursed
    for k, instalment in enumerate(loan["schedule"]):
        due = date.fromisoformat(instalment["due_on"])
        late = rng.random() < 0.1
        paid_on = due + timedelta(days=rng.randint(5, 40)) if late else due - timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        paid_on = max(paid_on, last_paid)  # the bank books them in order
        if paid_on > today or (stops and k >= 3):
            break
        body = {"amount_fen": instalment["principal_fen"] + instalment["interest_fen"], "paid_on": paid_on.isoformat()}
        if rng.random() < 0.5:             # half the repayments are reported by the bank
            body.update(partner="GSRCU", partner_ref=f"{loan['id']}-{k + 1}")
        result = call(f"/api/loans/{loan['id']}/repayments", body)
        last_paid = paid_on
        counts["repayments"] += 1
        counts["late"] += late
        if result["loan"]["status"] == "closed":
            counts["closed"] += 1
            return paid_on
    return None
