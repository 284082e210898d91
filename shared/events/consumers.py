"""Who reads which topic, in one place: each consuming process, its consumer group and its
topics. The processes take their topics and group from here, the AsyncAPI document lists
each channel's groups, and a unit test checks that the Procfile runs each of them. A sixth
program adds its read model by being in ``PROGRAMS``; a new consumer adds a line here.

(The registry's feed and live stream read the consolidated stream too, but by position,
without a group: a reader's cursor is its own.)"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from shared.events.topics import PROGRAMS, Topics


@dataclass(frozen=True)
class Subscription:
    process: str   # its name in the Procfile
    command: str   # what the Procfile runs
    group: str     # the consumer group is "<topic prefix>.<group>" (CONSUMER_GROUP overrides it)
    topics: Callable[[Topics], list[str]]

    def group_name(self, prefix: str) -> str:
        return f"{prefix}.{self.group}"

    def settings(self, settings, env=None):
        """``settings`` (shared.config.Settings) with this process's consumer group, unless
        the environment names one (CONSUMER_GROUP)."""
        if "CONSUMER_GROUP" in (os.environ if env is None else env):
            return settings
        return settings.with_(consumer_group=self.group_name(settings.topic_prefix))


SUBSCRIPTIONS = (
    # Every program's topic and the registry's own: the households' history, statistics and
    # the consolidated stream.
    Subscription("registry-consumer", "python -m services.registry.consumer", "registry",
                 lambda t: t.replayable),
    # Each program's local copy of the household files.
    *(Subscription(f"{p}-households", f"python -m shared.programs.readmodel {p}", f"{p}.households",
                   lambda t: [t.households]) for p in PROGRAMS),
    # Partners' webhooks: deliveries of the consolidated stream.
    Subscription("webhooks-worker", "python -m services.webhooks.worker", "webhooks", lambda t: [t.stream]),
)


def subscription(process: str) -> Subscription:
    for each in SUBSCRIPTIONS:
        if each.process == process:
            return each
    raise KeyError(f"no subscription for the process {process!r} (shared/events/consumers.py)")


def groups_reading(topic: str, topics: Topics) -> list[str]:
    """The consumer groups that read ``topic``."""
    return sorted(s.group_name(topics.prefix) for s in SUBSCRIPTIONS if topic in s.topics(topics))
