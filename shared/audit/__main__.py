"""python -m shared.audit verify   — check the audit chain and its anchors (exit 1 on any break,
                                   or when the anchors cannot be read from the broker)
python -m shared.audit tail [N]    — the last N entries"""
from __future__ import annotations

import sys

from shared.audit import AuditLog, audit_db_name
from shared.audit.anchors import audit_key, read_anchors
from shared.config import Settings
from shared.store import make_client


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("verify", "tail"):
        print(__doc__, file=sys.stderr)
        return 2
    settings = Settings.from_env("audit")
    client = make_client(settings)
    try:
        log = AuditLog(client[audit_db_name(settings.db_prefix)], audit_key(settings))
        if argv[0] == "tail":
            for e in reversed(log.recent(int(argv[1]) if len(argv) > 1 else 20)):
                print(f"{str(e['_id']):>8}  {e['at']}  {e['who'] or '-'}  {e['service']}  {e['action']}  {e['what']}")
            return 0
        try:
            anchors = read_anchors(settings)
        except Exception as exc:   # noqa: BLE001 — without them a cut end would pass: say so, fail
            print(f"the chains' anchors could not be read from the broker: {exc!r}")
            return 1
        problems = log.verify(anchors)
        main, chained = log.entries.count_documents({}), log.chained.count_documents({})
        for problem in problems:
            print(problem)
        print(f"audit log: {main + chained} entries ({chained} in per-process chains, {len(anchors)} anchored), "
              + ("intact" if not problems else f"{len(problems)} problem(s)"))
        return 1 if problems else 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
