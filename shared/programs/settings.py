"""Program policy settings (DOMAIN.md: a policy default is a setting): a frozen dataclass whose
fields are declared with ``setting(default, ENV_NAME, low, high)`` and read by
``Policy.from_env()`` when the app or a task starts, never at import."""
from __future__ import annotations

import os
from dataclasses import field, fields
from decimal import Decimal, InvalidOperation


def setting(default, env: str, low, high):
    """A policy field: ``default`` unless ``env`` names a value in [low, high] (of the
    default's type: whole numbers, or decimals for rates and shares)."""
    return field(default=default, metadata={"env": env, "low": low, "high": high})


class PolicySettings:
    """Mixin of a program's ``Policy`` dataclass: ``from_env`` reads every ``setting``."""

    @classmethod
    def from_env(cls, env: dict | None = None):
        env = os.environ if env is None else env
        return cls(**{f.name: env_value(env, f.metadata["env"], f.default, f.metadata["low"], f.metadata["high"])
                      for f in fields(cls) if "env" in f.metadata})


def env_value(env, name: str, default, low, high):
    """``env[name]`` as a number of ``default``'s type in [low, high]; ``default`` when unset or
    empty. A value out of bounds stops the start with a message naming the setting."""
    raw = env.get(name, "")
    if raw == "":
        return default
    number = Decimal if isinstance(default, Decimal) else int
    try:
        value = number(raw)
    except (ValueError, InvalidOperation):
        kind = "a number" if number is Decimal else "an integer"
        raise ValueError(f"{name} must be {kind}, got {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return value
