"""Refused commands in the API's error shape: shared by the program services (shared/programs/refusals.py)."""
from shared.programs.refusals import refusals  # noqa: F401
