"""The pure parts of the hostile-input protections: operator keys, CSV cells, the audit
chain's hashing, secrets from files."""
import pytest

from shared.audit import GENESIS, canonical, entry_hash
from shared.config import DEV_SECRET_KEY, Settings, secret
from shared.web.csv_export import csv_cell, csv_text
from shared.web.guard import bad_key, find_bad_keys


@pytest.mark.parametrize("key", ["$gt", "$where", "a.b", "x$", "a\x00", "household_id[$ne]"])
def test_operator_and_path_keys_are_bad(key):
    assert bad_key(key)


@pytest.mark.parametrize("key", ["household_id", "members-0-name", "金额", "amount_fen", ""])
def test_ordinary_keys_are_fine(key):
    assert bad_key(key) is None


def test_bad_keys_are_found_at_any_depth_with_their_path():
    body = {"a": [{"b": {"$gt": 1}}], "ok": {"c.d": 1}, "$or": []}
    assert set(find_bad_keys(body)) == {"a/0/b/$gt", "ok/c.d", "$or"}
    assert find_bad_keys({"a": [1, "x", {"b": None}]}) == {}
    deep = current = {}
    for _ in range(100):
        current["x"] = {}
        current = current["x"]
    assert list(find_bad_keys(deep).values()) == [["nested too deeply"]]


@pytest.mark.parametrize("text, shown", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-12.50", "'-12.50"), ("王建国", "王建国"), (None, ""),
    ("'=x", "'=x")])
def test_csv_cells_never_start_a_formula(text, shown):
    assert csv_cell(text) == shown


def test_csv_text_quotes_every_cell_even_if_the_caller_forgot_but_keeps_plain_numbers():
    assert csv_text(["=h"], [["=a", 5, "-1.00", "-1+2", "'=b"]]) == "\ufeff'=h\r\n'=a,5,-1.00,'-1+2,'=b\r\n"


def test_the_audit_hash_covers_every_field_and_the_previous_hash():
    entry = {"_id": 1, "who": "a", "what": {"x": 1}, "prev": GENESIS}
    h = entry_hash(GENESIS, entry)
    assert h == entry_hash(GENESIS, {**entry, "hash": "ignored"})
    assert h != entry_hash(GENESIS, {**entry, "who": "b"}) != entry_hash("1" * 64, entry)
    assert canonical({"b": 1, "a": 2}) == '{"a":2,"b":1}'


def test_secrets_from_files_win_and_unreadable_files_are_errors(tmp_path):
    (tmp_path / "s").write_text("from-file\n")
    assert secret({"X_FILE": str(tmp_path / "s"), "X": "from-env"}, "X") == "from-file"
    assert secret({"X": "from-env"}, "X") == "from-env"
    with pytest.raises(ValueError, match="X_FILE"):
        secret({"X_FILE": str(tmp_path / "missing")}, "X")


def test_cookies_are_secure_unless_dev_or_said_otherwise():
    assert Settings.from_env("registry", {}).session_cookie_secure
    assert not Settings.from_env("registry", {"JINGZHUN_DEV": "1"}).session_cookie_secure
    assert not Settings.from_env("registry", {"SESSION_COOKIE_SECURE": "0"}).session_cookie_secure
    assert Settings.from_env("registry", {}).secret_key == DEV_SECRET_KEY   # refused at start outside dev
