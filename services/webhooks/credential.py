"""python -m services.webhooks.credential rotate — give the webhooks service a new token for
the program services and revoke every other one it had (running webhooks processes read the
new one when a program first refuses the old). The token is never printed: it stays
encrypted in the webhooks database (services/webhooks/adapters/service_token.py)."""
from __future__ import annotations

import sys

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.store import auth_db, make_client, service_db
from services.webhooks.adapters.service_token import SERVICE_USER, ServiceCredential


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["rotate"]:
        print(__doc__, file=sys.stderr)
        return 2
    settings = Settings.from_env("webhooks")
    client = make_client(settings)
    try:
        credential = ServiceCredential(service_db(client, settings), AuthStore(auth_db(client, settings)),
                                       settings.secret_key)
        _, revoked = credential.rotate()
        print(f"{SERVICE_USER}: a new token is in use; {revoked} earlier token(s) revoked")
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
