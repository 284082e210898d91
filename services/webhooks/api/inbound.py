"""Partners' signed reports under /api/inbound/<partner_id>/<report_kind>.

Authenticated by the Standard Webhooks signature with the partner's inbound secret, not by a
login or token. Refusals carry ``reason``: missing_headers, bad_signature, stale_timestamp,
replayed, unknown_partner, unknown_report_kind, program_not_allowed, invalid_field,
unknown_household, refused_by_program."""
import logging

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.programs.refused import Refused
from services.webhooks.api.common import abort_refused, webhooks
from services.webhooks.api.schemas import InboundResultSchema
from services.webhooks.domain.reports import REPORT_KINDS

log = logging.getLogger(__name__)
blp = Blueprint("inbound", __name__, url_prefix="/api/inbound",
                description="Reports from partners (sales, generation readings, repayments), signed the Standard "
                            "Webhooks way with the partner's inbound secret. Kinds: " + ", ".join(
                                f"{k.name} → {k.program}" for k in REPORT_KINDS.values()))


@blp.route("/<partner_id>/<report_kind>")
class InboundReport(MethodView):
    # Signed by the partner: the app factory lets it through without a login or token.
    signed_by_partner = True

    @blp.doc(security=[], requestBody={"content": {"application/json": {"schema": {"type": "object"}}}},
             parameters=[{"in": "header", "name": h, "required": True, "schema": {"type": "string"}}
                         for h in ("webhook-id", "webhook-timestamp", "webhook-signature")])
    @blp.response(201, InboundResultSchema)
    @blp.alt_response(200, schema=InboundResultSchema, description="the same report (partner_ref) again: applied once")
    @blp.alt_response(202, schema=InboundResultSchema, description="the program is unreachable: applied later")
    @blp.alt_response(401, description="bad_signature, stale_timestamp or missing_headers")
    @blp.alt_response(403, description="program_not_allowed")
    @blp.alt_response(409, description="replayed (webhook-id seen before), not enrolled (unknown_household), refused_by_program")
    @blp.alt_response(422, description="invalid_field, or unknown_household: not in the registry's files")
    def post(self, partner_id, report_kind):
        """Report to a program. The body is the kind's JSON with the partner's ``partner_ref``."""
        try:
            status, body = webhooks().receive_report(partner_id, report_kind, request.get_data(),
                                                     dict(request.headers))
        except Refused as exc:
            log.warning("inbound report refused", extra={"partner_id": partner_id, "report_kind": report_kind,
                                                         "reason": exc.reason, "status": exc.status})
            abort_refused(exc)
        log.info("inbound report", extra={"partner_id": partner_id, "report_kind": report_kind, "status": status,
                                          "report_id": body.get("report_id")})
        return body, status
