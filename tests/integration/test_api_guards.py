"""Bad input and the wrong role are refused, and nothing is written or published."""
import pytest

from tests.integration.conftest import NEW_HOUSEHOLD, sale_for


def _nothing_written(system):
    assert system.db("ecommerce")["sales"].count_documents({}) == 0


def test_bad_fields_get_422_naming_each_field_and_nothing_is_written(system):
    bad = sale_for("not-a-household", quantity=-3, amount_fen=1.5, channel="market", sold_on="yesterday")
    del bad["product"]
    bad["surprise"] = 1
    r = system.client("ecommerce").post("/api/sales", json=bad, headers=system.headers("central"))
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    fields = body["errors"]["json"]
    assert set(fields) == {"household_id", "quantity", "amount_fen", "channel", "sold_on", "product", "surprise"}
    _nothing_written(system)


def test_income_above_the_amount_is_refused(system):
    r = system.client("ecommerce").post("/api/sales", json=sale_for("H621202ABCDEFGHJK", amount_fen=100, income_fen=101),
                                        headers=system.headers("central"))
    assert r.status_code == 422
    assert "income_fen" in r.get_json()["errors"]["json"]
    _nothing_written(system)


def test_household_with_bad_member_fields_names_the_member_field(system):
    before = system.db("registry")["households"].count_documents({})
    household = {**NEW_HOUSEHOLD, "village_code": "62120",
                 "members": [{"name": "", "relation": "cousin", "sex": "male", "birth_year": "1970"}]}
    r = system.client("registry").post("/api/households", json=household, headers=system.headers("central"))
    assert r.status_code == 422
    errors = r.get_json()["errors"]["json"]
    assert set(errors) == {"village_code", "members"}
    assert set(errors["members"]["0"]) == {"name", "relation", "birth_year"}
    assert system.db("registry")["households"].count_documents({}) == before


@pytest.mark.parametrize("user, expected", [
    (None, 401),                 # nobody
    ("auditor", 403),            # reads only
    ("tourism_op", 403),         # another program
    ("county_wudu", 403),        # county operators keep files, not sales
])
def test_a_sale_without_the_right_role_is_refused(system, user, expected):
    headers = system.headers(user) if user else {}
    r = system.client("ecommerce").post("/api/sales", json=sale_for("H621202ABCDEFGHJK"), headers=headers)
    assert r.status_code == expected, r.get_json()
    assert r.get_json()["code"] == expected
    _nothing_written(system)


def test_a_wrong_token_is_refused(system):
    r = system.client("ecommerce").post("/api/sales", json=sale_for("H621202ABCDEFGHJK"),
                                        headers={"Authorization": "Bearer jz_forged"})
    assert r.status_code == 401
    _nothing_written(system)


@pytest.mark.parametrize("user, county, expected", [
    ("county_wenxian", "621202", 403),   # another county
    ("ecommerce_op", "621202", 403),     # program operators do not keep files
    ("auditor", "621202", 403),
    (None, "621202", 401),
])
def test_a_household_file_outside_ones_scope_is_refused(system, user, county, expected):
    before = system.db("registry")["households"].count_documents({})
    household = {**NEW_HOUSEHOLD, "village_code": county + "100201"}
    r = system.client("registry").post("/api/households", json=household, headers=system.headers(user))
    assert r.status_code == expected
    assert system.db("registry")["households"].count_documents({}) == before


def test_a_county_operator_cannot_read_another_countys_household(system, household):
    r = system.client("registry").get(f"/api/households/{household['id']}", headers=system.headers("county_wenxian"))
    assert r.status_code == 403
    listed = system.client("registry").get("/api/households", headers=system.headers("county_wenxian")).get_json()
    assert listed["total"] == 0
    own = system.client("registry").get(f"/api/households/{household['id']}", headers=system.headers("county_wudu"))
    assert own.status_code == 200


def test_ui_form_posts_need_the_csrf_token(system):
    web = system.client("ecommerce")
    with web.session_transaction() as session:
        session["user"] = "central"
    r = web.post("/sales/new", data={"household_id": "H621202ABCDEFGHJK", "product": "x"})
    assert r.status_code == 403
    _nothing_written(system)
