"""Converters for ``--device-option KEY=VALUE`` strings shared by the drivers (see ``Device.OPTIONS``)."""

from __future__ import annotations

__all__ = ["parse_bool", "parse_side"]


def parse_bool(text: str) -> bool:
    """Parse yes/no, true/false, on/off, 1/0."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true/false, got {text!r}")


def parse_side(text: str) -> str:
    """Parse a body side: left or right."""
    value = text.strip().lower()
    if value not in ("left", "right"):
        raise ValueError(f"expected left or right, got {text!r}")
    return value
