"""Read a whole topic once, from the beginning to the end it has now: no consumer group,
no commits (an operator's read-only look, used by reconciliation and tests)."""
from __future__ import annotations

import time
from typing import Iterator

from kafka import KafkaConsumer, TopicPartition


def read_all(bootstrap: str, topic: str, timeout_s: float = 120.0) -> Iterator:
    """Yield every record of ``topic`` up to its current end offsets, partition by partition."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             isolation_level="read_committed", client_id="topic-reader")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not partitions:
            return
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        left = {tp for tp in partitions if ends[tp] > 0}
        deadline = time.monotonic() + timeout_s
        while left:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {timeout_s:.0f}s")
            for tp, records in consumer.poll(timeout_ms=500, max_records=5000).items():
                for record in records:
                    if record.offset < ends[tp]:
                        yield record
                if tp in left and consumer.position(tp) >= ends[tp]:
                    left.discard(tp)
            for tp in list(left):  # transaction markers or compaction can leave gaps at the end
                if consumer.position(tp) >= ends[tp]:
                    left.discard(tp)
    finally:
        consumer.close(autocommit=False)
