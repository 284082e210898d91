"""Calendar months as 'YYYY-MM' strings (shared by every service: shared/months.py)."""
from shared.months import days_in, first_day, last_day, month_of, months_between, period, shift  # noqa: F401
