"""The AsyncAPI document is generated from the catalogue and kept current in docs/."""
import json
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
