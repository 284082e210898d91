"""Program policy settings from the environment: whole numbers within bounds."""
from __future__ import annotations


def env_int(env, name: str, default: int, low: int, high: int) -> int:
    """``env[name]`` as an integer in [low, high]; ``default`` when unset or empty."""
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return value
