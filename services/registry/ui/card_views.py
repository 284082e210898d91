"""The household card (建档立卡 明白卡) a cadre brings to the family: a print page laid out for
A4 and the same card as a PDF; a village's cards in one go. Scoped as the household page is
(ui/views.py: household_file): the county is in a household id or a village code, so 403
comes before 404."""
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from shared.auth.roles import READ
from shared.auth.web import authorize, require
from services.registry.api.common import registry, shown
from services.registry.cards import VILLAGE_LIMIT, card_facts, village_files
from services.registry.domain.exit_rules import today_utc
from services.registry.ui.card_layout import card_layout
from services.registry.ui.card_pdf import FontMissing, cards_pdf
from services.registry.ui.views import household_file

bp = Blueprint("registry_card_ui", __name__,
               static_folder=str(Path(__file__).resolve().parent.parent / "static"),
               static_url_path="/card-assets")


def _cards(files: list[dict], principal) -> list:
    """The cards of ``files``, members masked for ``principal``, in the page's language."""
    locale, today = str(get_locale()), today_utc()
    return [card_layout(shown(f, principal), card_facts(registry(), f), locale, today) for f in files]


def _one(household_id: str):
    principal, doc = household_file(household_id)
    if doc is None:
        abort(404, description=_("No such household."))
    return _cards([doc], principal)


def _village(village_code: str):
    """Who asks, the village's official names from the top, and its cards (403 before 404)."""
    if not (village_code.isdigit() and len(village_code) == 12):
        abort(404, description=_("No such village."))
    principal = authorize(READ, county=village_code[:6])
    if registry().areas.get(village_code) is None:
        abort(404, description=_("No such village."))
    files, total = village_files(registry(), principal.county_filter, village_code)
    return registry().dashboards.breadcrumbs(village_code), _cards(files, principal), total


def _pdf(cards: list, filename: str) -> Response:
    settings = current_app.extensions["settings"]
    lang = "zh-CN" if str(get_locale()).startswith("zh") else "en"
    try:
        body = cards_pdf(cards, settings.card_font, settings.card_font_number, lang=lang)
    except FontMissing:
        current_app.logger.exception("card PDF")
        abort(503, description=_("The PDF cannot be made: its font is not installed (make setup installs it)."))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/households/<household_id>/card")
@require(READ)
def card(household_id):
    cards = _one(household_id)
    return render_template("registry/cards.html", cards=cards, title=cards[0].heading, village=None,
                           pdf=url_for(".card_pdf", household_id=household_id),
                           back=url_for("registry_ui.household", household_id=household_id))


@bp.get("/households/<household_id>/card.pdf")
@require(READ)
def card_pdf(household_id):
    return _pdf(_one(household_id), f"card-{household_id}.pdf")


@bp.get("/villages/<village_code>/cards")
@require(READ)
def village_cards(village_code):
    areas, cards, total = _village(village_code)
    return render_template("registry/cards.html", cards=cards, title=" › ".join(a["name"] for a in areas),
                           village=village_code, total=total, limit=VILLAGE_LIMIT,
                           pdf=url_for(".village_cards_pdf", village_code=village_code),
                           back=url_for("registry_ui.index", area=village_code))


@bp.get("/villages/<village_code>/cards.pdf")
@require(READ)
def village_cards_pdf(village_code):
    return _pdf(_village(village_code)[1], f"cards-{village_code}.pdf")
