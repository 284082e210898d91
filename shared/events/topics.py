"""Topic names, one place. Topics are named after their program and version."""
from __future__ import annotations

from dataclasses import dataclass

# python -m deploy.new_program adds a program to the end of this line (and takes it away).
PROGRAMS = ("ecommerce", "tourism", "photovoltaic", "microcredit", "relocation")  # PROGRAMS


@dataclass(frozen=True)
class Topics:
    prefix: str = "jingzhun"

    def program(self, program: str) -> str:
        return f"{self.prefix}.{program}.v1"

    @property
    def programs(self) -> list[str]:
        return [self.program(p) for p in PROGRAMS]

    @property
    def registry(self) -> str:
        """The registry's own changes to household files (identified, changed, status, warnings)."""
        return f"{self.prefix}.registry.v1"

    @property
    def replayable(self) -> list[str]:
        """Every program's topic and the registry's own: the log of what happened, kept
        forever, which the registry consumes and a rebuild replays."""
        return self.programs + [self.registry]

    @property
    def villages(self) -> str:
        """The registry's files of poor villages and task forces (key = village code or task
        force id): a record kept forever, read by no consumer of the project yet."""
        return f"{self.prefix}.villages.v1"

    @property
    def deadletter(self) -> str:
        return f"{self.prefix}.deadletter.v1"

    @property
    def stream(self) -> str:
        """The consolidated stream the central office and the webhooks service read."""
        return f"{self.prefix}.stream.v1"

    @property
    def households(self) -> str:
        """Compacted: the latest file of every household, keyed by household id."""
        return f"{self.prefix}.households.v1"

    @property
    def audit_anchors(self) -> str:
        """Compacted: the head of each audit chain, published outside the store (shared/audit)."""
        return f"{self.prefix}.audit-anchors.v1"

    def all(self) -> dict[str, dict]:
        """Every topic with its extra config."""
        # Program topics and the registry's own are the record a rebuild replays: kept forever.
        topics = {t: {"retention.ms": "-1"} for t in self.replayable + [self.villages]}
        topics[self.deadletter] = {"retention.ms": str(30 * 24 * 3600 * 1000)}
        # The stream is read directly by the registry's feed and SSE and by the webhooks
        # worker: a year of it stays readable; older assistance is in each household's history.
        topics[self.stream] = {"retention.ms": str(366 * 24 * 3600 * 1000)}
        topics[self.households] = {"cleanup.policy": "compact"}
        topics[self.audit_anchors] = {"cleanup.policy": "compact"}
        return topics

    def for_program_of(self, event_type: str) -> str:
        """cn.jingzhun.<program>.… → that program's topic (registry events excepted)."""
        parts = event_type.split(".")
        if len(parts) < 3 or parts[0] != "cn" or parts[1] != "jingzhun":
            raise ValueError(f"not a Jingzhun event type: {event_type}")
        return self.program(parts[2])
