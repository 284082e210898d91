"""Calendar months as 'YYYY-MM' strings: shared by the program services (shared/programs/months.py)."""
from shared.programs.months import days_in, first_day, last_day, month_of, months_between, period, shift  # noqa: F401
