"""Where a record sits in Kafka: what consumers use to apply a record exactly once."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    topic: str
    partition: int
    offset: int

    @property
    def partition_key(self) -> str:
        return f"{self.topic}:{self.partition}"

    def __str__(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"
