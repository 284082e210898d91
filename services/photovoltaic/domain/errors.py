"""Why a command is refused: shared by the program services (shared/programs/refused.py)."""
from shared.programs.refused import Refused  # noqa: F401
