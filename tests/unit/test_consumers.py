"""One declaration of who consumes what (shared/events/consumers.py): the Procfile runs each
declared consumer with its declared command, and runs no consumer that is not declared."""
from pathlib import Path

from shared.events.consumers import SUBSCRIPTIONS, groups_reading, subscription
from shared.events.topics import PROGRAMS, Topics

ROOT = Path(__file__).resolve().parents[2]
CONSUMER_COMMANDS = ("services.registry.consumer", "shared.programs.readmodel", "services.webhooks.worker")


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_procfile_runs_every_declared_consumer_as_declared():
    procfile = _procfile()
    for declared in SUBSCRIPTIONS:
        assert procfile.get(declared.process) == declared.command, declared.process


def test_the_procfile_runs_no_consumer_that_is_not_declared():
    declared = {s.process for s in SUBSCRIPTIONS}
    running = {name for name, command in _procfile().items() if any(c in command for c in CONSUMER_COMMANDS)}
    assert running == declared


def test_every_program_has_its_read_model_and_the_registry_reads_every_program():
    topics = Topics("jingzhun")
    for program in PROGRAMS:
        assert subscription(f"{program}-households").topics(topics) == [topics.households]
        assert groups_reading(topics.program(program), topics) == ["jingzhun.registry"]


def test_a_group_named_in_the_environment_wins():
    from shared.config import Settings
    settings = Settings.from_env("registry", {})
    assert subscription("registry-consumer").settings(settings, {}).consumer_group == "jingzhun.registry"
    assert subscription("registry-consumer").settings(settings, {"CONSUMER_GROUP": "x"}) is settings
