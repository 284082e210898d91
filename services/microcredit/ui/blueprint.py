"""The micro-credit pages' blueprint and the service its views use; form, list and refusal
helpers come from shared/programs/forms.py."""
from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("microcredit_ui", __name__)
PER_PAGE = 25


def microcredit():
    return current_app.extensions["microcredit"]
