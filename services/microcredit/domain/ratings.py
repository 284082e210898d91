"""Household credit rating (评级授信): a grade and a credit line, recorded before lending.
A loan needs a rating valid on the day it is applied for and disbursed, and never exceeds
the credit line."""
from __future__ import annotations

from datetime import date, timedelta

from shared.programs.refused import Refused

GRADES = ("excellent", "good", "fair", "poor")        # 优秀 / 良好 / 一般 / 较差
# A "poor" household gets no credit line: the rating refuses lending until it is rated again.
NO_CREDIT = ("poor",)


def valid_until(rated_on: date, valid_days: int) -> date:
    return rated_on + timedelta(days=valid_days)


def rating_problems(grade: str, credit_line_fen: int, max_principal_fen: int) -> dict:
    if grade in NO_CREDIT and credit_line_fen:
        return {"credit_line_fen": [f"A household rated {grade} gets no credit line."]}
    if credit_line_fen > max_principal_fen:
        return {"credit_line_fen": [f"The credit line is at most {max_principal_fen // 100} yuan."]}
    return {}


def check_lending(rating: dict | None, household_id: str, principal_fen: int, on: date,
                  field: str = "household_id") -> None:
    """Refused unless ``rating`` is valid on ``on`` and its credit line covers the principal."""
    if rating is None:
        raise Refused(f"household {household_id} has no credit rating; rate it (评级授信) before lending", field)
    if not rating["rated_on"] <= on.isoformat() < rating["valid_until"]:
        raise Refused(f"the credit rating of household {household_id} ({rating['rated_on']} – "
                      f"{rating['valid_until']}) is not valid on {on.isoformat()}; rate it again", field)
    if principal_fen > rating["credit_line_fen"]:
        raise Refused(f"{principal_fen / 100:.2f} yuan is above the household's credit line of "
                      f"{rating['credit_line_fen'] / 100:.2f} yuan", "principal_fen", 422)
