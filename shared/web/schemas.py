"""Schema conventions of every API: unknown fields refused; paged lists."""
from __future__ import annotations

from marshmallow import INCLUDE, RAISE, Schema, fields, validate


class StrictSchema(Schema):
    """Unknown fields are an error, named like any other: a typo must not pass silently."""

    class Meta:
        unknown = RAISE


class PageQuerySchema(StrictSchema):
    """Subclass and add the list's own filters."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A response schema {items, total, page, per_page} for ``item_schema``."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
    }, name=name)


def page_args(args: dict) -> tuple[int, int, int]:
    """(skip, limit, page) from parsed PageQuerySchema arguments."""
    page, per_page = args["page"], args["per_page"]
    return (page - 1) * per_page, per_page, page


def page_result(items: list, total: int, args: dict) -> dict:
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


class ErrorSchema(Schema):
    """The one JSON error shape (shared/web/errors.py), as every API documents it."""

    class Meta:
        # Some refusals add fields of their own (where a duplicate already is, …).
        unknown = INCLUDE

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status name"})
    message = fields.String(metadata={"description": "what went wrong, for people"})
    errors = fields.Dict(metadata={"description": "each field's problems: {location: {field: [problem, …]}}"})
    reason = fields.String(metadata={"description": "a code for the kind of refusal, for programs (where given)"})
