"""docker-compose.yml stays in step with the Procfile and the settings the code reads."""
import re
from pathlib import Path

import yaml

from deploy.local.processes import procfile

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_parses_and_has_the_infrastructure():
    services = COMPOSE["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["mongo"]["image"].startswith("mongo:")


def test_every_procfile_process_is_a_compose_service_with_the_same_command():
    services = COMPOSE["services"]
    for name, command in procfile().items():
        assert name in services, f"{name} is in the Procfile but not in docker-compose.yml"
        compose_command = services[name]["command"]
        assert compose_command == 'sh -c "' + command.replace("$", "$$") + '"', name


def test_every_variable_the_processes_and_settings_read_is_set_in_compose():
    procfile_vars = set(re.findall(r"\$([A-Z_]+)", "\n".join(procfile().values())))
    settings_vars = set(re.findall(r'"([A-Z][A-Z_]+)"', (ROOT / "shared/config.py").read_text()))
    required = procfile_vars | {"KAFKA_BOOTSTRAP_SERVERS", "MONGO_URL", "SECRET_KEY"}
    assert required <= settings_vars | procfile_vars
    for name in procfile():
        env = COMPOSE["services"][name]["environment"]
        missing = required - set(env)
        assert not missing, f"{name} lacks {missing}"


def test_the_makefile_and_compose_use_the_same_variable_names():
    makefile = (ROOT / "Makefile").read_text()
    for var in ("KAFKA_BOOTSTRAP_SERVERS", "MONGO_URL"):
        assert var in makefile
        assert var in COMPOSE["x-jingzhun"]["environment"]
