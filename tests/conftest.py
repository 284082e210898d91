"""Session set-up shared by integration and e2e tests: the real local stack.

``make test`` starts the stack on the test ports and exports KAFKA_BOOTSTRAP_SERVERS and
MONGO_URL. Run bare (``pytest tests/integration``), this starts the stack itself. Either way
the official areas of the provinces the tests name are loaded once (a few seconds, skipped
when already there)."""
from __future__ import annotations

import os
import sys

import pytest

from tests.support import GAZETTEER_PROVINCES, ROOT, TEST_KAFKA_PORT, TEST_MONGO_PORT, load_gazetteer


@pytest.fixture(scope="session")
def stack():
    started = False
    if "KAFKA_BOOTSTRAP_SERVERS" not in os.environ:
        sys.path.insert(0, str(ROOT / "deploy" / "local"))
        import stack as local_stack  # noqa: WPS433
        data = os.environ.get("JINGZHUN_TEST_DATA", os.path.expanduser("~/.cache/jingzhun/test-stack"))
        local_stack.start(TEST_KAFKA_PORT, TEST_MONGO_PORT, data, 120)
        os.environ["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{TEST_KAFKA_PORT}"
        os.environ["MONGO_URL"] = f"mongodb://127.0.0.1:{TEST_MONGO_PORT}"
        started = True
    load_gazetteer(GAZETTEER_PROVINCES)
    yield {"kafka": os.environ["KAFKA_BOOTSTRAP_SERVERS"], "mongo": os.environ["MONGO_URL"]}
    if started:
        local_stack.stop(data)
