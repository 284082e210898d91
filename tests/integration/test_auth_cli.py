"""The user CLI: create a user and a token, then the token works on the API."""
import subprocess
import sys

from tests.support import ROOT


def _cli(system, *args, password=None):
    env = {**system.procs.env, **({"JINGZHUN_PASSWORD": password} if password else {})}
    return subprocess.run([sys.executable, "-m", "shared.auth.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_create_user_and_token_then_use_it(system):
    made = _cli(system, "create-user", "li", "--role", "county_operator", "--county", "621221",
                password="long-enough-1")
    assert made.returncode == 0, made.stderr
    assert "role=county_operator county=621221" in made.stdout
    token = _cli(system, "create-token", "li", "--name", "village tablet").stdout.strip()
    assert token.startswith("jz_")
    r = system.client("registry").get("/api/households", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    stored = system.mongo[system.settings["registry"].auth_database_name]["api_tokens"].find_one({"username": "li"})
    assert token not in str(stored)  # only the hash is kept


def test_cli_refuses_bad_input_clearly(system):
    short = _cli(system, "create-user", "wang", "--role", "auditor", password="short")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    unscoped = _cli(system, "create-user", "zhao", "--role", "county_operator", password="long-enough-1")
    assert unscoped.returncode == 2 and "needs a county" in unscoped.stderr
    assert system.mongo[system.settings["registry"].auth_database_name]["users"].count_documents(
        {"_id": {"$in": ["wang", "zhao"]}}) == 0
