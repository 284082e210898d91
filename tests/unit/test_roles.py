"""Who may do what: the role matrix, pure logic."""
import pytest

from shared.auth.roles import Principal

CENTRAL = Principal("c", "central")
AUDITOR = Principal("a", "auditor")
WUDU = Principal("w", "county_operator", county="621202")
ECOM = Principal("e", "program_operator", program="ecommerce")
ECOM_WUDU = Principal("ew", "program_operator", county="621202", program="ecommerce")


@pytest.mark.parametrize("who, action, service, county, allowed", [
    (CENTRAL, "write", "registry", "621222", True),
    (CENTRAL, "write", "ecommerce", None, True),
    (AUDITOR, "read", "registry", "621222", True),
    (AUDITOR, "write", "registry", None, False),
    (AUDITOR, "write", "ecommerce", None, False),
    (WUDU, "write", "registry", "621202", True),
    (WUDU, "write", "registry", "621222", False),
    (WUDU, "read", "registry", "621222", False),
    (WUDU, "read", "ecommerce", "621202", True),
    (WUDU, "write", "ecommerce", "621202", False),
    (ECOM, "write", "ecommerce", "621222", True),
    (ECOM, "write", "tourism", None, False),
    (ECOM, "write", "registry", None, False),
    (ECOM, "read", "registry", "621222", True),
    (ECOM_WUDU, "write", "ecommerce", "621202", True),
    (ECOM_WUDU, "write", "ecommerce", "621222", False),
])
def test_role_matrix(who, action, service, county, allowed):
    assert who.can(action, service, county) is allowed


def test_scopes_are_required():
    with pytest.raises(ValueError):
        Principal("x", "county_operator")
    with pytest.raises(ValueError):
        Principal("x", "program_operator")
    with pytest.raises(ValueError):
        Principal("x", "mayor")


def test_county_filter():
    assert WUDU.county_filter == {"county_code": "621202"}
    assert CENTRAL.county_filter == {}


def test_partners_are_the_central_offices_business():
    from shared.auth.roles import Principal, READ, WRITE
    assert Principal("c", "central").can(WRITE, "webhooks")
    auditor = Principal("a", "auditor")
    assert auditor.can(READ, "webhooks") and not auditor.can(WRITE, "webhooks")
    for who in (Principal("w", "county_operator", "621202"), Principal("v", "village_cadre", "621202"),
                Principal("p", "program_operator", None, "ecommerce")):
        assert not who.can(READ, "webhooks") and not who.can(WRITE, "webhooks")
        assert who.can(READ, "tourism")   # everyone else still reads the programs


GATEWAY = Principal("webhooks-service", "partner_gateway",
                    grants=("ecommerce POST /api/sales", "microcredit POST /api/loans/<loan_id>/repayments"))


@pytest.mark.parametrize("action, service, county, route, allowed", [
    ("write", "ecommerce", "621202", ("POST", "/api/sales"), True),
    ("write", "microcredit", None, ("POST", "/api/loans/<loan_id>/repayments"), True),
    ("write", "ecommerce", "621202", ("POST", "/api/stations"), False),     # another route of a granted program
    ("write", "photovoltaic", None, ("POST", "/api/sales"), False),          # a granted rule, another service
    ("read", "ecommerce", None, ("GET", "/api/sales"), False),               # reads nothing
    ("read", "registry", "621202", ("GET", "/api/households/<household_id>"), False),
    ("write", "ecommerce", "621202", None, False),                           # a check without the route
])
def test_a_partner_gateway_may_call_only_the_routes_granted_to_it(action, service, county, route, allowed):
    assert GATEWAY.can(action, service, county, route) is allowed


def test_a_partner_gateway_needs_grants():
    with pytest.raises(ValueError):
        Principal("x", "partner_gateway")
