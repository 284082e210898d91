"""The data a benchmark run works on: households for the registry's store and a mix of
program events for them, deterministic for a seed. Sizes are parameters.

Events are built as envelopes directly (not through ``CATALOGUE.new_event``) so that making
200,000 of them costs seconds; each type's data is one that the catalogue accepts (checked
once per type in ``check_templates``) and the consumer validates every event anyway."""
from __future__ import annotations

import random
import uuid

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope

COUNTIES = ("621202", "621222", "621223")  # 武都区, 文县, 宕昌县 (Longnan, Gansu)
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ("建国", "秀英", "志强", "桂兰", "国庆", "玉梅", "德华", "春燕")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32, as shared.household_ids


def village_code(i: int) -> str:
    county = COUNTIES[i % len(COUNTIES)]
    return f"{county}{100 + (i // 3) % 12:03d}{200 + (i // 36) % 40:03d}"


def household_id(i: int) -> str:
    county = village_code(i)[:6]
    digits, n = [], i
    for _ in range(10):
        n, r = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[r])
    return "H" + county + "".join(reversed(digits))


def household_fields(i: int) -> dict:
    """The fields of household ``i`` as a file is created with them."""
    surname = SURNAMES[i % len(SURNAMES)]
    return {
        "village_code": village_code(i), "township": "汉王镇", "village": f"寺背{i % 40}村",
        "main_cause": "illness", "income_per_capita_fen": 210000 + i % 1000,
        "members": [{"name": surname + GIVEN[i % 8], "relation": "head", "sex": "male", "birth_year": 1960 + i % 30},
                    {"name": "李" + GIVEN[(i + 1) % 8], "relation": "spouse", "sex": "female", "birth_year": 1962 + i % 30}],
    }


def households(count: int) -> list[tuple[str, dict]]:
    """(household id, fields) pairs as Households.create_many takes them."""
    return [(household_id(i), household_fields(i)) for i in range(count)]


def _sale(hid, n):
    amount = 10000 + (n * 37) % 50000
    return {"household_id": hid, "recorded_by": "bench", "sale_id": f"S{n}", "product": "花椒", "quantity": 1 + n % 20,
            "unit": "kg", "amount_fen": amount, "income_fen": amount // 2, "channel": "own_store",
            "sold_on": f"2026-{1 + n % 12:02d}-10"}


def _booking(hid, n):
    return {"household_id": hid, "recorded_by": "bench", "booking_id": f"BK{n}", "homestay_id": "HS1",
            "homestay_name": "山居小院", "check_in": "2026-10-01", "check_out": "2026-10-03", "nights": 2,
            "guests": 1 + n % 6, "channel": "walk_in", "amount_fen": 60000, "income_fen": 50000}


def _tourism_wage(hid, n):
    return {"household_id": hid, "recorded_by": "bench", "payment_id": f"JB{n}:2026-10", "job_id": f"JB{n}",
            "member_name": "李四", "scenic_area": "官鹅沟", "month": f"2026-{1 + n % 12:02d}", "paid_on": "2026-11-05",
            "income_fen": 300000}


def _pv_dividend(hid, n):
    return {"household_id": hid, "recorded_by": "bench", "installation_id": "PV1", "installation_name": "寺背村光伏电站",
            "kind": "station", "distribution_id": f"PV1-{n}", "month": f"2026-{1 + n % 12:02d}", "amount_fen": 25_050,
            "shares": 2, "total_shares": 7, "station_revenue_fen": 900_000}


# (program, event type, data maker, weight): e-commerce sales dominate, as in the field.
MIX = (
    ("ecommerce", "cn.jingzhun.ecommerce.sale.recorded.v1", _sale, 5),
    ("tourism", "cn.jingzhun.tourism.booking.recorded.v1", _booking, 2),
    ("tourism", "cn.jingzhun.tourism.wage.paid.v1", _tourism_wage, 1),
    ("photovoltaic", "cn.jingzhun.photovoltaic.distribution.dividend_paid.v1", _pv_dividend, 2),
)


def check_templates() -> None:
    """Every data maker yields data the catalogue accepts (raises InvalidEvent if not)."""
    for program, type_name, make, _ in MIX:
        CATALOGUE.new_event(type_name, program, household_id(0), make(household_id(0), 0))


def events(household_ids: list[str], count: int, seed: int = 8) -> list[tuple[str, Envelope]]:
    """(program, envelope) × count, spread over the households, programs mixed by weight,
    in time order over a year (as a year's log is replayed)."""
    rng = random.Random(seed)
    kinds = [k for k in MIX for _ in range(k[3])]
    out = []
    for n in range(count):
        hid = household_ids[n % len(household_ids)]
        program, type_name, make, _ = rng.choice(kinds)
        out.append((program, Envelope(type=type_name, source=program, subject=hid, data=make(hid, n),
                                      id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                                      time=f"2026-{1 + n * 12 // count:02d}-15T08:00:00.000Z")))
    return out
