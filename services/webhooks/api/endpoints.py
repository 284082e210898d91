"""Endpoints under /api/endpoints: settings, secret rotation, test events, the delivery log
and replays."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import WRITE
from shared.web.schemas import page_args, page_result
from services.webhooks.api import schemas as s
from services.webhooks.api.common import found, gate, refusals, webhooks

blp = Blueprint("endpoints", __name__, url_prefix="/api",
                description="Partners' endpoints, their delivery logs, test events and replays")


def endpoint_or_404(endpoint_id: str) -> dict:
    return found(webhooks().partners.endpoint(endpoint_id), "endpoint", endpoint_id)


@blp.route("/endpoints/<endpoint_id>")
class Endpoint(MethodView):
    @blp.response(200, s.EndpointSchema)
    def get(self, endpoint_id):
        """One endpoint (secrets as hints)."""
        gate()
        return endpoint_or_404(endpoint_id)

    @blp.arguments(s.EndpointEditSchema)
    @blp.response(200, s.EndpointSchema)
    @blp.alt_response(422, description="URL refused or more than the partner may see")
    def patch(self, fields, endpoint_id):
        """Change an endpoint; ``status: active`` switches it on again (its waiting deliveries go out)."""
        gate(WRITE)
        endpoint = endpoint_or_404(endpoint_id)
        with refusals():
            return webhooks().edit_endpoint(endpoint, fields)


@blp.route("/endpoints/<endpoint_id>/secrets")
class Secrets(MethodView):
    # Reading a secret lets one sign as us or as the partner: only those who may write.
    reveals_secret = True

    @blp.response(200, s.EndpointWithSecretsSchema)
    def get(self, endpoint_id):
        """The endpoint's signing secrets (central office only)."""
        gate(WRITE)
        return endpoint_or_404(endpoint_id)


@blp.route("/endpoints/<endpoint_id>/rotate")
class Rotate(MethodView):
    @blp.arguments(s.RotateSchema)
    @blp.response(200, s.EndpointWithSecretsSchema)
    def post(self, fields, endpoint_id):
        """A new signing secret; the old one signs too until the overlap ends."""
        gate(WRITE)
        return webhooks().rotate(endpoint_or_404(endpoint_id), fields.get("overlap_seconds"))


@blp.route("/endpoints/<endpoint_id>/test")
class TestEvent(MethodView):
    @blp.response(202, s.DeliverySchema)
    def post(self, endpoint_id):
        """Send a test event (type webhooks.test) through the normal delivery path."""
        gate(WRITE)
        return webhooks().send_test(endpoint_or_404(endpoint_id))


@blp.route("/endpoints/<endpoint_id>/deliveries")
class Deliveries(MethodView):
    @blp.arguments(s.DeliveryQuerySchema, location="query")
    @blp.response(200, s.DeliveryPageSchema)
    def get(self, args, endpoint_id):
        """The endpoint's delivery log, newest first: attempts, status codes, latency, response excerpts."""
        gate()
        endpoint_or_404(endpoint_id)
        skip, limit, _ = page_args(args)
        items, total = webhooks().deliveries.for_endpoint(endpoint_id, args.get("status"), skip, limit)
        return page_result(items, total, args)


@blp.route("/endpoints/<endpoint_id>/replay")
class ReplayRange(MethodView):
    @blp.arguments(s.ReplayRangeSchema)
    @blp.response(202, s.ReplayResultSchema)
    def post(self, fields, endpoint_id):
        """Deliver again every event recorded for this endpoint in a time range (same webhook-ids)."""
        gate(WRITE)
        return {"items": webhooks().replay_range(endpoint_or_404(endpoint_id), fields["start"], fields["end"])}


@blp.route("/deliveries/<path:delivery_id>/replay")
class Replay(MethodView):
    @blp.response(202, s.DeliverySchema)
    def post(self, delivery_id):
        """Deliver one event again (same webhook-id)."""
        gate(WRITE)
        return webhooks().replay(found(webhooks().deliveries.get(delivery_id), "delivery", delivery_id))


@blp.route("/deliveries/<path:delivery_id>")
class Delivery(MethodView):
    @blp.response(200, s.DeliverySchema)
    def get(self, delivery_id):
        """One delivery with its payload and every attempt."""
        gate()
        return found(webhooks().deliveries.get(delivery_id), "delivery", delivery_id)
