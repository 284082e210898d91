"""The AsyncAPI document is generated from the catalogue and kept current in docs/."""
import json

import jsonschema_rs
from pathlib import Path

from shared.events import CATALOGUE
from shared.events.asyncapi import document

ROOT = Path(__file__).resolve().parents[2]


def test_every_event_type_has_a_message_with_a_payload_schema():
    doc = document()
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert names == {t.type for t in CATALOGUE}
    for message in doc["components"]["messages"].values():
        ref = message["payload"]["$ref"].rsplit("/", 1)[-1]
        assert doc["components"]["schemas"][ref]["properties"]


def test_docs_asyncapi_json_is_current():
    committed = json.loads((ROOT / "docs" / "asyncapi.json").read_text())
    assert committed == json.loads(json.dumps(document())), \
        "regenerate: python -m shared.events.asyncapi > docs/asyncapi.json"


def _asyncapi_errors(doc: dict) -> list[str]:
    from deploy.specs import asyncapi_schema  # fetched by `make unit` / `make test` (python -m deploy.specs fetch)
    path = asyncapi_schema()
    assert path.exists(), f"AsyncAPI's JSON Schema is not in the cache ({path}): python -m deploy.specs fetch"
    validator = jsonschema_rs.validator_for(json.loads(path.read_text()))
    return [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_the_document_is_valid_by_the_asyncapi_specifications_own_schema():
    assert _asyncapi_errors(json.loads((ROOT / "docs" / "asyncapi.json").read_text())) == []


def test_the_schema_check_finds_what_the_specification_forbids():
    doc = document()
    doc["channels"]["jingzhun.stream.v1"]["subscribe"]["partitions"] = 6   # no such field in 2.6.0
    del doc["info"]["version"]                                            # required
    errors = _asyncapi_errors(json.loads(json.dumps(doc)))
    assert any("partitions" in e for e in errors) and any("version" in e for e in errors), errors


def test_each_channel_names_the_consumer_groups_that_read_it():
    channels = document()["channels"]
    assert channels["jingzhun.ecommerce.v1"]["x-consumer-groups"] == ["jingzhun.registry"]
    assert channels["jingzhun.stream.v1"]["x-consumer-groups"] == ["jingzhun.webhooks"]
    assert "jingzhun.relocation.households" in channels["jingzhun.households.v1"]["x-consumer-groups"]
