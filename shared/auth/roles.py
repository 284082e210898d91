"""Roles and what each may do: pure logic, no Flask, no store."""
from __future__ import annotations

from dataclasses import dataclass

CENTRAL = "central"                    # central / provincial office: everything
COUNTY_OPERATOR = "county_operator"    # keeps household files of one county, approves changes
VILLAGE_CADRE = "village_cadre"        # village task force (驻村工作队): proposes changes in one county
PROGRAM_OPERATOR = "program_operator"  # runs one program (optionally in one county)
AUDITOR = "auditor"                    # reads everything, changes nothing
ROLES = (CENTRAL, COUNTY_OPERATOR, VILLAGE_CADRE, PROGRAM_OPERATOR, AUDITOR)
# A service acting on others' APIs (the webhooks service forwarding partners' reports): it may
# call only the routes granted to it, each named "<service> <METHOD> <rule>", and read nothing.
PARTNER_GATEWAY = "partner_gateway"
SERVICE_ROLES = (PARTNER_GATEWAY,)
# Services that are the central office's own business (partners and their traffic): only it
# and auditors see them; counties and programs work with partners through their reports.
CENTRAL_OFFICE_SERVICES = ("webhooks",)

READ, WRITE, APPROVE = "read", "write", "approve"


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    county: str | None = None    # 6-digit county code scope
    program: str | None = None   # service name scope for program operators
    display_name: str = ""
    # A provincial office's province (620000): where its dashboard opens. It reads and
    # decides as the central office does (CENTRAL), so this is a home, not a scope.
    province: str | None = None
    grants: tuple = ()           # the routes a service role may call (see grant())

    @property
    def is_central(self) -> bool:
        """The central office: may override the separation of duties, giving a reason."""
        return self.role == CENTRAL

    def __post_init__(self):
        if self.role not in ROLES + SERVICE_ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == PARTNER_GATEWAY and not self.grants:
            raise ValueError("a partner gateway needs the routes it may call")
        if self.role in (COUNTY_OPERATOR, VILLAGE_CADRE) and not self.county:
            raise ValueError(f"a {self.role.replace('_', ' ')} needs a county")
        if self.role == PROGRAM_OPERATOR and not self.program:
            raise ValueError("a program operator needs a program")
        if self.province and not (self.role in (CENTRAL, AUDITOR) and len(self.province) == 6
                                  and self.province.isdigit() and self.province.endswith("0000")
                                  and self.province != "000000"):
            raise ValueError("a province (6 digits ending in 0000) is for a central or provincial office or an auditor")

    def can(self, action: str, service: str, county: str | None = None, route: tuple | None = None) -> bool:
        """May this person do ``action`` in ``service`` (for a household in ``county``)?

        ``county=None`` asks about the service as a whole (lists filter by scope). ``route``
        (method, URL rule) is the request's, which a service role's grants name."""
        if not self.in_county(county):
            return False
        if self.role == PARTNER_GATEWAY:
            return action == WRITE and route is not None and grant(service, *route) in self.grants
        if self.role == CENTRAL:
            return True
        if service in CENTRAL_OFFICE_SERVICES and self.role != AUDITOR:
            return False
        if action == READ:
            return True
        if self.role == COUNTY_OPERATOR:
            return service == "registry"
        if self.role == VILLAGE_CADRE:
            return service == "registry" and action == WRITE   # proposes; never approves
        if self.role == PROGRAM_OPERATOR:
            return service == self.program and action == WRITE
        return False

    def in_county(self, county: str | None) -> bool:
        return county is None or self.county is None or county == self.county

    @property
    def county_filter(self) -> dict:
        """A store filter that keeps only what this person may see."""
        return {"county_code": self.county} if self.county else {}


def grant(service: str, method: str, rule: str) -> str:
    """One route a service role may call, e.g. "ecommerce POST /api/sales"."""
    return f"{service} {method.upper()} {rule}"
