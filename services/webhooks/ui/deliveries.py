"""Pages of a delivery: its attempts and payload, and a replay."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from services.webhooks.api.common import gate, webhooks
from services.webhooks.ui.blueprint import bp, or_404


@bp.get("/deliveries/<path:delivery_id>")
@require(READ)
def delivery(delivery_id):
    gate()
    d = or_404(webhooks().deliveries.get(delivery_id))
    return render_template("webhooks/delivery.html", d=d)


@bp.post("/deliveries/<path:delivery_id>/replay")
@require(WRITE)
def replay(delivery_id):
    gate(WRITE)
    d = or_404(webhooks().deliveries.get(delivery_id))
    webhooks().replay(d)
    flash(_("Delivery queued again."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=d["endpoint_id"]))
