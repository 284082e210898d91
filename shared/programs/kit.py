"""Wire the program kit into a program service's app: ``register_program_kit(app, program)``."""
from __future__ import annotations

from flask import Flask

from shared.programs.api import enrolment_blueprint
from shared.programs.enrolments import Enrolments
from shared.programs.households import HouseholdGuard, HouseholdView
from shared.programs.views import enrolment_pages


def register_program_kit(app: Flask, program: str) -> None:
    db = app.extensions["db"]
    app.extensions["household_view"] = HouseholdView(db)
    app.extensions["enrolments"] = Enrolments(db, program)
    app.extensions["household_view"].ensure_indexes()
    app.extensions["enrolments"].ensure_indexes()
    app.extensions["household_guard"] = HouseholdGuard.of_program(program, app.extensions["household_view"],
                                                                  app.extensions["enrolments"])
    app.extensions["api"].register_blueprint(enrolment_blueprint(program))
    app.register_blueprint(enrolment_pages())
