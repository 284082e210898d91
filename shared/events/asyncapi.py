"""An AsyncAPI 2.6 document of every topic and message, generated from the catalogue.

    python -m shared.events.asyncapi > docs/asyncapi.json   (a unit test keeps it current)

Every service also serves it at /asyncapi.json."""
from __future__ import annotations

import json
import sys

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.events.catalogue import load_all_types
from shared.events.consumers import groups_reading
from shared.events.topics import PROGRAMS, Topics
from shared.events.types.registry import FILE_EVENTS, VILLAGE_EVENTS

CE_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes, Kafka protocol binding, binary content mode",
    "properties": {name: {"type": "string"} for name in
                   ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "content-type")},
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time"],
}


def _schemas(catalogue) -> dict:
    spec = APISpec("events", "v1", "3.0.3", plugins=[MarshmallowPlugin()])
    for schema in {t.schema for t in catalogue}:  # several types may share one schema (enrolments)
        spec.components.schema(_schema_name(schema), schema=schema)
    return spec.to_dict()["components"]["schemas"]


def _schema_name(schema) -> str:
    return schema.__name__


def _name(type_name: str) -> str:
    return "".join(part.capitalize() for part in type_name.split(".")[2:])


def document(prefix: str = "jingzhun") -> dict:
    catalogue = load_all_types()
    topics = Topics(prefix)
    messages = {
        _name(t.type): {
            "name": t.type, "title": t.title_en, "summary": t.title_zh,
            "contentType": "application/json", "headers": CE_HEADERS,
            "bindings": {"kafka": {"key": {"type": "string", "description": "household id"}}},
            "payload": {"$ref": f"#/components/schemas/{_schema_name(t.schema)}"},
        } for t in catalogue
    }

    def refs(program):
        return {"oneOf": [{"$ref": f"#/components/messages/{_name(t.type)}"} for t in catalogue.for_program(program)]} \
            if catalogue.for_program(program) else {"payload": {"type": "object"}}

    channels = {topics.program(p): {"description": f"events of the {p} program (key = household id)",
                                   "publish": {"message": refs(p)}} for p in PROGRAMS}
    channels[topics.registry] = {"description": "the registry's own changes to household files (audit trail, rebuild source)",
                                 "publish": {"message": {"oneOf": [
                                     {"$ref": f"#/components/messages/{_name(t)}"} for t in FILE_EVENTS]}}}
    channels[topics.villages] = {"description": "the registry's files of poor villages and task forces "
                                                "(key = village code or task force id)",
                                 "publish": {"message": {"oneOf": [
                                     {"$ref": f"#/components/messages/{_name(t)}"} for t in VILLAGE_EVENTS]}}}
    channels[topics.stream] = {"description": "consolidated stream: what the registry accepted, enriched (also read "
                                              "without a group, by position, by the registry's feed and live stream)",
                               "subscribe": {"message": {"$ref": "#/components/messages/RegistryAssistanceRecordedV1"}}}
    channels[topics.households] = {"description": "compacted: the latest file of every household",
                                   "subscribe": {"message": {"$ref": "#/components/messages/RegistryHouseholdSnapshotV1"}}}
    channels[topics.deadletter] = {"description": "records the registry could not apply; reason in the dlq_reason header",
                                   "subscribe": {"message": {"payload": {"description": "the original record value"}}}}
    for topic, channel in channels.items():
        # Who reads it, from the one declaration of consumers (shared/events/consumers.py).
        channel["x-consumer-groups"] = groups_reading(topic, topics)
    return {
        "asyncapi": "2.6.0",
        "info": {"title": "Jingzhun events", "version": "1",
                 "description": "Topics and messages of Jingzhun, generated from shared/events/types."},
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages, "schemas": _schemas(catalogue)},
    }


if __name__ == "__main__":
    json.dump(document(), sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")
