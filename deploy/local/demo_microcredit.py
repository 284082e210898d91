"""Demo data of poverty-alleviation micro-credit (扶贫小额信贷), loaded through the service's
HTTP API: enrolled households rated (评级授信), each county's risk-compensation fund, and
loans over the last year: most repaid month by month (a few short ones closed), some left
unpaid for a while (the daily ``overdue`` job marks them), one application rejected."""
from __future__ import annotations

import random
from datetime import date, timedelta

import requests

PURPOSES = ("养殖肉牛", "养殖土鸡", "种植花椒", "种植中药材", "发展乡村旅游", "开办农家乐", "种植苹果", "养蜂")
BANKS = ("甘肃农信", "中国农业银行", "中国邮政储蓄银行")
GRADES = (("excellent", 5_000_000), ("good", 3_000_000), ("good", 3_000_000), ("fair", 1_000_000), ("poor", 0))


def load(service_url: str, token: str, household_ids: list[str], rng: random.Random) -> dict:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(path: str, body: dict, ok=(200, 201)) -> dict:
        r = session.post(service_url + path, json=body, timeout=30)
        if r.status_code not in ok:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    today = date.today()
    counts = dict.fromkeys(("enrolled", "rated", "funds", "loans", "repayments", "closed", "rejected"), 0)
    chosen = rng.sample(household_ids, k=max(1, len(household_ids) * 2 // 5))
    for county in sorted({hid[1:7] for hid in chosen}):
        call(f"/api/funds/{county}/deposits", {"amount_fen": rng.choice((50, 80, 100)) * 1_000_000,
                                                "deposited_on": (today - timedelta(days=400)).isoformat(),
                                                "note": "县财政安排扶贫小额信贷风险补偿金"})
        counts["funds"] += 1
    for n, hid in enumerate(chosen):
        call("/api/enrolments", {"household_id": hid, "note": "扶贫小额信贷"})
        counts["enrolled"] += 1
        grade, line = rng.choice(GRADES)
        rated_on = today - timedelta(days=rng.randint(330, 380))
        call("/api/ratings", {"household_id": hid, "grade": grade, "credit_line_fen": line,
                              "rated_on": rated_on.isoformat(), "note": "村评级小组评定"})
        counts["rated"] += 1
        if not line or rng.random() < 0.25:
            continue
        applied = rated_on + timedelta(days=rng.randint(3, 20))
        term = rng.choice((6, 12, 24, 36))
        loan = call("/api/loans", {"household_id": hid, "principal_fen": min(line, rng.choice((1, 2, 3, 5)) * 1_000_000),
                                   "term_months": term, "method": rng.choice(("equal_instalments", "interest_only")),
                                   "purpose": rng.choice(PURPOSES), "bank": rng.choice(BANKS),
                                   "applied_on": applied.isoformat()})
        counts["loans"] += 1
        if n % 17 == 0:
            call(f"/api/loans/{loan['id']}/reject", {"rejected_on": (applied + timedelta(days=5)).isoformat(),
                                                     "reason": "贷款用途不符合产业扶持方向"})
            counts["rejected"] += 1
            continue
        call(f"/api/loans/{loan['id']}/approve", {"approved_on": (applied + timedelta(days=5)).isoformat()})
        disbursed = applied + timedelta(days=rng.randint(7, 15))
        loan = call(f"/api/loans/{loan['id']}/disburse", {"disbursed_on": disbursed.isoformat()})
        stops = rng.random() < 0.12           # stops paying after a few months: overdue later
        for k, instalment in enumerate(loan["schedule"]):
            paid_on = date.fromisoformat(instalment["due_on"]) - timedelta(days=rng.randint(0, 3))
            if paid_on > today or (stops and k >= 3):
                break
            partner = rng.random() < 0.5       # half the repayments are reported by the bank
            body = {"amount_fen": instalment["principal_fen"] + instalment["interest_fen"],
                    "paid_on": max(paid_on, disbursed).isoformat()}
            if partner:
                body.update(partner="GSRCU", partner_ref=f"{loan['id']}-{k + 1}")
            result = call(f"/api/loans/{loan['id']}/repayments", body)
            counts["repayments"] += 1
            if result["loan"]["status"] == "closed":
                counts["closed"] += 1
    return counts
