"""Rural e-commerce service stations (农村电商服务站), one or more per village: where
households get parcels out, buy online and get help with their stores. Reference data of
the program: a station concerns no household by itself, so its changes stay here (in its
own history) and publish no event; sales name the station they went through."""
from __future__ import annotations

import uuid

OPEN, CLOSED = "open", "closed"
STATION_STATUSES = (OPEN, CLOSED)
EDITABLE = ("name", "village_code", "township", "village", "keeper", "phone", "opened_on", "status")


def new_station_id() -> str:
    return "Z" + uuid.uuid4().hex[:16].upper()
