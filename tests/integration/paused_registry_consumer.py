"""The registry consumer, stopped inside its first transaction: after the poll's store writes
and after sending its derived events, before committing. It writes the file named by
PAUSED_MARKER when there and waits, for a test to SIGKILL it at that very point.

    python -m tests.integration.paused_registry_consumer"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from kafka import KafkaProducer

from services.registry import consumer

_commit = KafkaProducer.commit_transaction


def _paused_commit(self):
    self.flush()  # the derived events are in the log, in the open transaction
    Path(os.environ["PAUSED_MARKER"]).write_text(str(os.getpid()))
    time.sleep(600)
    _commit(self)


KafkaProducer.commit_transaction = _paused_commit

if __name__ == "__main__":
    sys.exit(consumer.main())
