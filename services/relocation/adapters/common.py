"""What the relocation repositories share: the source name of their events."""
from __future__ import annotations

SOURCE = "relocation"
