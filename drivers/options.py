"""Converters for ``--device-option KEY=VALUE`` strings shared by the drivers (see ``Device.OPTIONS``).

Every driver's ``OPTIONS`` maps an option name to one of these converters (or a plain ``int``/``float``/
``str``): yes/no switches (:func:`parse_bool`), a word out of a fixed set (:func:`parse_choice`,
:func:`choice`; :func:`parse_side` is the body side), and lists of numbers (:func:`parse_float_tuple`).
A bad value raises ``ValueError`` naming the option where known, what is allowed, and what was given.
:data:`SIMULATED_SUBJECT_OPTIONS` are the options every simulator with a standing subject offers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = [
    "SIDES",
    "SIMULATED_BOARD_SUBJECT_OPTIONS",
    "SIMULATED_SUBJECT_OPTIONS",
    "choice",
    "parse_bool",
    "parse_choice",
    "parse_float_tuple",
    "parse_side",
]

#: The body sides an ``affected_side`` option accepts.
SIDES = ("left", "right")


def parse_bool(text: str) -> bool:
    """Parse yes/no, true/false, on/off, 1/0."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true/false, got {text!r}")


def _alternatives(choices: tuple[str, ...]) -> str:
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def parse_choice(text: str, choices: Iterable[str], name: str = "") -> str:
    """Parse one word out of ``choices`` (case and surrounding blanks ignored); return it in lower case.

    Parameters
    ----------
    text : str
        The option's value as typed.
    choices : iterable of str
        The allowed words, lower case, in the order the error message lists them.
    name : str, optional
        The option's name, to start the error message with.

    Raises
    ------
    ValueError
        ``"[name: ]expected a, b or c, got 'x'"`` when ``text`` is none of them.
    """
    allowed = tuple(choices)
    value = text.strip().lower()
    if value not in allowed:
        prefix = f"{name}: " if name else ""
        raise ValueError(f"{prefix}expected {_alternatives(allowed)}, got {text!r}")
    return value


def choice(*choices: str, name: str = "") -> Callable[[str], str]:
    """A converter for ``OPTIONS`` that accepts one of ``choices`` (see :func:`parse_choice`)."""
    if not choices:
        raise ValueError("choice() needs at least one allowed value")

    def convert(text: str) -> str:
        return parse_choice(text, choices, name)

    convert.__name__ = f"choice_{name or '_'.join(choices)}".replace("-", "_")
    convert.__doc__ = f"Parse {_alternatives(choices)}."
    return convert


def parse_side(text: str) -> str:
    """Parse a body side: left or right."""
    return parse_choice(text, SIDES)


def parse_float_tuple(text: str) -> tuple[float, ...]:
    """Parse comma- (or semicolon-) separated numbers, e.g. ``"0.6,-0.4,0.3,0.5"``; empty items are skipped."""
    parts = [s for s in text.replace(";", ",").split(",") if s.strip()]
    try:
        return tuple(float(s) for s in parts)
    except ValueError:
        raise ValueError(f"expected comma-separated numbers, got {text!r}") from None


#: The ``OPTIONS`` entries of a simulated standing subject (:class:`~drivers.sim.subject.StandingSubject`),
#: shared by the simulators that have one.
SIMULATED_SUBJECT_OPTIONS: Mapping[str, tuple[Callable[[str], Any], str]] = {
    "mass_kg": (float, "body mass of the simulated subject, kg"),
    "affected_side": (parse_side, "painful side of the simulated subject: left or right"),
    "affected_share_pct": (float, "mean % of body weight on the affected limb"),
}

#: The ``OPTIONS`` of the subject on a simulated four-cell board (``sim``): standing or
#: stepping in place (:class:`~drivers.sim.stepping.SteppingSubject`).
SIMULATED_BOARD_SUBJECT_OPTIONS: Mapping[str, tuple[Callable[[str], Any], str]] = {
    **SIMULATED_SUBJECT_OPTIONS,
    "stance_width_mm": (float, "distance between the feet's centres of pressure, mm"),
    "mode": (choice("standing", "stepping", "walking", name="mode"), "standing, or stepping in place"),
    "affected_stance_reduction_pct": (float, "stepping: affected stance shorter by this %"),
    "affected_peak_reduction_pct": (float, "stepping: affected force peaks lower by this %"),
    "empty": (parse_bool, "nobody on the board"),
    "seed": (int, "random seed"),
}
