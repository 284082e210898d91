"""Request and response schemas of the webhooks API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.topics import PROGRAMS
from shared.events.types.ecommerce import PLATFORMS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.webhooks.domain import secrets
from services.webhooks.domain.matching import AREA_RE, pattern_problem
from shared.messages import N_

KINDS = ("ecommerce_platform", "tour_operator", "power_company", "bank", "leading_enterprise")
VISIBLE_PROGRAMS = PROGRAMS + ("registry",)
STATUSES = ("active", "disabled")


def Areas(**kw):  # noqa: N802
    return fields.List(fields.String(validate=validate.Regexp(AREA_RE, error=N_("Not an area code (6, 9 or 12 digits)."))),
                       metadata={"description": "county (6), township (9) or village (12) codes; empty: all"}, **kw)


def Programs(**kw):  # noqa: N802
    return fields.List(fields.String(validate=validate.OneOf(VISIBLE_PROGRAMS)), **kw)


class PartnerCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    contact = fields.String(load_default="", validate=validate.Length(max=300),
                            metadata={"description": "who to call when an endpoint needs action"})
    programs = Programs(required=True, validate=validate.Length(min=1))
    areas = Areas(load_default=list)
    platform = fields.String(validate=validate.OneOf(PLATFORMS), allow_none=True,
                             metadata={"description": "an e-commerce platform's code, named on the sales it reports"})


class PartnerEditSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    kind = fields.String(validate=validate.OneOf(KINDS))
    contact = fields.String(validate=validate.Length(max=300))
    programs = Programs(validate=validate.Length(min=1))
    areas = Areas()
    platform = fields.String(validate=validate.OneOf(PLATFORMS), allow_none=True)
    action_done = fields.Boolean(metadata={"description": "true: the contact has acted, clear 'needs action'"})


class PartnerSchema(Schema):
    id = fields.String(attribute="_id")
    name = fields.String()
    kind = fields.String()
    contact = fields.String()
    programs = fields.List(fields.String())
    areas = fields.List(fields.String())
    platform = fields.String(allow_none=True)
    needs_action = fields.Boolean()
    action_reason = fields.String()
    inbound_secret_hint = fields.Function(lambda p: secrets.hint(p["inbound_secret"]))
    created_at = fields.DateTime()
    created_by = fields.String()


class PartnerCreatedSchema(PartnerSchema):
    inbound_secret = fields.String(metadata={"description": "shown to the central office to hand to the partner"})


class PartnerQuerySchema(PageQuerySchema):
    pass


PartnerPageSchema = page_schema(PartnerSchema, "PartnerPage")


def _patterns(values):
    problems = [p for p in (pattern_problem(v) for v in values) if p]
    if problems:
        raise ValidationError(problems)


class EndpointCreateSchema(StrictSchema):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    description = fields.String(load_default="", validate=validate.Length(max=300))
    event_types = fields.List(fields.String(), required=True, validate=[validate.Length(min=1), _patterns],
                              metadata={"description": "patterns like microcredit.loan.* or ecommerce.sale.recorded"})
    programs = Programs(load_default=list)
    areas = Areas(load_default=list)


class EndpointEditSchema(StrictSchema):
    url = fields.Url(schemes={"http", "https"}, require_tld=False)
    description = fields.String(validate=validate.Length(max=300))
    event_types = fields.List(fields.String(), validate=[validate.Length(min=1), _patterns])
    programs = Programs()
    areas = Areas()
    status = fields.String(validate=validate.OneOf(STATUSES),
                           metadata={"description": "active again after the partner acted, or disabled"})


class SecretSchema(Schema):
    secret = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)


class EndpointSchema(Schema):
    id = fields.String(attribute="_id")
    partner_id = fields.String()
    url = fields.String()
    description = fields.String()
    event_types = fields.List(fields.String())
    programs = fields.List(fields.String())
    areas = fields.List(fields.String())
    status = fields.String()
    disabled_reason = fields.String()
    disabled_at = fields.DateTime(allow_none=True)
    failing_since = fields.DateTime(allow_none=True)
    consecutive_failures = fields.Integer()
    secret_hints = fields.Function(lambda e: [secrets.hint(s["secret"]) for s in e["secrets"]])
    created_at = fields.DateTime()


class EndpointWithSecretsSchema(EndpointSchema):
    secrets = fields.List(fields.Nested(SecretSchema),
                          metadata={"description": "valid secrets, newest first; during an overlap, more than one"})


class EndpointListSchema(Schema):
    items = fields.List(fields.Nested(EndpointSchema))


class RotateSchema(StrictSchema):
    overlap_seconds = fields.Float(validate=validate.Range(min=0, max=7 * 86400),
                                   metadata={"description": "how long the old secret stays valid (default: setting)"})


class AttemptSchema(Schema):
    at = fields.DateTime()
    n = fields.Integer()
    status_code = fields.Integer(allow_none=True)
    latency_ms = fields.Integer()
    excerpt = fields.String()
    error = fields.String()


class DeliverySchema(Schema):
    id = fields.String(attribute="_id")
    msg_id = fields.String(metadata={"description": "the webhook-id header: receivers dedupe by it"})
    endpoint_id = fields.String()
    partner_id = fields.String()
    event_id = fields.String(allow_none=True)
    type = fields.String()
    kind = fields.String(metadata={"description": "event, test or replay"})
    household_id = fields.String(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    next_at = fields.DateTime()
    last_status_code = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    log = fields.List(fields.Nested(AttemptSchema))
    payload = fields.Dict()


class DeliveryQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("pending", "delivered", "failed")))


DeliveryPageSchema = page_schema(DeliverySchema, "DeliveryPage")


class ReplayRangeSchema(StrictSchema):
    start = fields.AwareDateTime(required=True, data_key="from")
    end = fields.AwareDateTime(required=True, data_key="to")

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(N_("'from' comes after 'to'."), "from")


class ReplayResultSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema))


class InboundResultSchema(Schema):
    status = fields.String(metadata={"description": "applied, or accepted (the program will get it later)"})
    report_id = fields.String()
    repeated = fields.Boolean()
    program_status = fields.Integer()
    record = fields.Dict()
    message = fields.String()
