"""Users and tokens from the command line:

    python -m shared.auth.cli create-user NAME --role county_operator --county 621202
    python -m shared.auth.cli create-user NAME --role central --province 620000   (a provincial office)
    python -m shared.auth.cli create-token NAME --name "bank integration"
    python -m shared.auth.cli list-tokens [NAME]
    python -m shared.auth.cli revoke-token NAME (TOKEN_OR_ID | --all)

A web process trusts what it looked up about a token or a user for up to PRINCIPAL_TTL_S
seconds, so create-user (a changed role or county) and revoke-token wait that long before
they return: when the command is back, the change is in effect in every service.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import time

from shared.auth.roles import ROLES
from shared.auth.store import PRINCIPAL_TTL_S, AuthStore
from shared.config import Settings
from shared.store import auth_db, make_client


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.auth.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    user = sub.add_parser("create-user", help="create or update a user")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=ROLES)
    user.add_argument("--county", help="6-digit county code (county operators; optional for program operators)")
    user.add_argument("--program", help="the program a program operator runs, e.g. ecommerce")
    user.add_argument("--province", help="a provincial office's province, e.g. 620000: where its dashboard opens")
    user.add_argument("--display-name", default="")
    user.add_argument("--password", help="default: $JINGZHUN_PASSWORD or asked for")
    token = sub.add_parser("create-token", help="issue an API token for a user (printed once)")
    token.add_argument("username")
    token.add_argument("--name", default="api")
    listing = sub.add_parser("list-tokens", help="list API tokens (ids, never the tokens)")
    listing.add_argument("username", nargs="?")
    revoke = sub.add_parser("revoke-token", help="revoke one API token of a user, or all of them")
    revoke.add_argument("username")
    revoke.add_argument("token", nargs="?", help="the token, or its id from list-tokens")
    revoke.add_argument("--all", action="store_true", help="every token of the user")
    args = parser.parse_args(argv)
    if args.command == "revoke-token" and bool(args.token) == bool(args.all):
        parser.error("revoke-token needs a token (or id) or --all, not both")

    settings = Settings.from_env("auth")
    client = make_client(settings)
    store = AuthStore(auth_db(client, settings))
    try:
        if args.command == "create-user":
            password = args.password or os.environ.get("JINGZHUN_PASSWORD") or getpass.getpass()
            p = store.upsert_user(args.username, password, args.role, args.county, args.program, args.display_name,
                                  args.province)
            print(f"user {p.username}: role={p.role} county={p.county or '-'} program={p.program or '-'}"
                  f" province={p.province or '-'}")
            _wait_for_every_service()
        elif args.command == "create-token":
            print(store.issue_token(args.username, args.name))
        elif args.command == "list-tokens":
            for t in store.list_tokens(args.username):
                print(f"{t['id']}  {t['username']}  {t['name']}  {t['created_at']:%Y-%m-%d %H:%M}")
        else:
            gone = (store.revoke_all_tokens(args.username) if args.all
                    else store.revoke_token(args.token, args.username))
            print(f"revoked {gone} token(s)")
            if not gone:
                return 1
            _wait_for_every_service()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        client.close()
    return 0


def _wait_for_every_service() -> None:
    """Until no web process can still hold what it looked up before the change."""
    time.sleep(PRINCIPAL_TTL_S)


if __name__ == "__main__":
    sys.exit(main())
