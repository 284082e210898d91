"""Partner enterprises under /api/partners and their endpoints."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import WRITE
from shared.web.schemas import page_args, page_result
from services.webhooks.api import schemas as s
from services.webhooks.api.common import found, gate, refusals, webhooks

blp = Blueprint("partners", __name__, url_prefix="/api/partners",
                description="Partner enterprises (合作企业) and the programs and areas each may see")


@blp.route("")
class Partners(MethodView):
    @blp.arguments(s.PartnerQuerySchema, location="query")
    @blp.response(200, s.PartnerPageSchema)
    def get(self, args):
        """Partners by name."""
        gate()
        skip, limit, _ = page_args(args)
        items, total = webhooks().partners.list_partners(skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.PartnerCreateSchema)
    @blp.response(201, s.PartnerCreatedSchema)
    def post(self, fields):
        """Register a partner; the answer carries its inbound secret (for its reports to us)."""
        principal = gate(WRITE)
        return webhooks().create_partner(fields, principal.username)


@blp.route("/<partner_id>")
class Partner(MethodView):
    @blp.response(200, s.PartnerSchema)
    @blp.alt_response(404, description="no such partner")
    def get(self, partner_id):
        """One partner."""
        gate()
        return found(webhooks().partners.partner(partner_id), "partner", partner_id)

    @blp.arguments(s.PartnerEditSchema)
    @blp.response(200, s.PartnerSchema)
    def patch(self, fields, partner_id):
        """Change a partner, or clear 'needs action' once its contact has acted."""
        gate(WRITE)
        partner = found(webhooks().partners.partner(partner_id), "partner", partner_id)
        return webhooks().edit_partner(partner, fields)


@blp.route("/<partner_id>/inbound-secret")
class InboundSecret(MethodView):
    # Reading a secret lets one sign as us or as the partner: only those who may write.
    reveals_secret = True

    @blp.response(200, s.PartnerCreatedSchema)
    def get(self, partner_id):
        """The partner's inbound secret (central office only)."""
        gate(WRITE)
        return found(webhooks().partners.partner(partner_id), "partner", partner_id)

    @blp.response(200, s.PartnerCreatedSchema)
    def post(self, partner_id):
        """A new inbound secret; the old one stops working at once."""
        gate(WRITE)
        found(webhooks().partners.partner(partner_id), "partner", partner_id)
        return webhooks().partners.rotate_inbound_secret(partner_id)


@blp.route("/<partner_id>/endpoints")
class PartnerEndpoints(MethodView):
    @blp.response(200, s.EndpointListSchema)
    def get(self, partner_id):
        """The partner's endpoints."""
        gate()
        found(webhooks().partners.partner(partner_id), "partner", partner_id)
        return {"items": webhooks().partners.endpoints_of(partner_id)}

    @blp.arguments(s.EndpointCreateSchema)
    @blp.response(201, s.EndpointWithSecretsSchema)
    @blp.alt_response(422, description="URL refused (private, loopback or link-local address) or more than the "
                                       "partner may see")
    def post(self, fields, partner_id):
        """Add an endpoint: the answer carries its signing secret (whsec_…)."""
        principal = gate(WRITE)
        partner = found(webhooks().partners.partner(partner_id), "partner", partner_id)
        with refusals():
            return webhooks().create_endpoint(partner, fields, principal.username)
