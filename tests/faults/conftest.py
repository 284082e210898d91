"""The fault suite's system: every Procfile process on the shared test stack, which these
tests stop and start (``JINGZHUN_TEST_DATA``, as ``make test`` sets it)."""
from __future__ import annotations

import os
import random

import pytest

from tests.faults.harness import FaultSystem, Load

# Beside the e2e processes (E2E_PORT_BASE + 0..6), which may still be running.
PORT_BASE = int(os.environ.get("E2E_PORT_BASE", "18000")) + 50


@pytest.fixture(scope="module")
def faulty(stack, tmp_path_factory):
    data = os.environ.get("JINGZHUN_TEST_DATA", os.path.expanduser("~/.cache/jingzhun/test-stack"))
    system = FaultSystem(tmp_path_factory.mktemp("faults-run"), data, PORT_BASE)
    try:
        system.start()
        system.households = system.prepare(households=4)
        system.all_accepted = []
        yield system
    finally:
        system.close()


@pytest.fixture
def load(faulty):
    """A steady stream of requests for the length of one test; what it got accepted is
    added to the module's list, which the last test reconciles."""
    seed = random.randrange(10**6)
    generator = Load(faulty, faulty.households, seed=seed)
    generator.seed = seed
    generator.start()
    yield generator
    generator.stop()
    faulty.all_accepted.extend(generator.accepted)
