"""Find and create devices by name: the one device factory.

The built-in drivers are listed in :data:`BUILTIN_DRIVERS`; other packages add drivers through the
``balance_station.drivers`` entry-point group, each entry naming a :class:`~drivers.device.Device`
subclass (``name = "package.module:Class"``). This distribution registers its own ``replay`` driver
(:mod:`recordings.replay`) that way, so nothing here names a package above ``drivers``. A device spec is
``NAME`` or ``NAME:ADDRESS`` (e.g. ``sim`` or ``wbb:/dev/hidraw3``); :data:`ALIASES` are other names of a
driver.

:func:`create` builds a device from ``--device-option`` values; :func:`create_for` builds it for a subject
(mass, side, pacing, exercise), applying each only where the driver has that option.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drivers.device import Device, FoundDevice
from drivers.errors import UnknownDriverError

__all__ = ["ALIASES", "BUILTIN_DRIVERS", "ENTRY_POINT_GROUP", "DriverEntry", "create", "create_for", "driver_class",
           "drivers", "find_devices", "parse_spec"]

ENTRY_POINT_GROUP = "balance_station.drivers"


@dataclass(frozen=True)
class DriverEntry:
    """A registered driver: its name and where its Device class lives ("module:Class")."""

    name: str
    target: str

    def load(self) -> type[Device]:
        module_name, _, attr = self.target.partition(":")
        cls = getattr(importlib.import_module(module_name), attr)
        if not (isinstance(cls, type) and issubclass(cls, Device)):
            raise TypeError(f"driver {self.name!r} ({self.target}) is not a Device subclass")
        return cls


BUILTIN_DRIVERS: dict[str, DriverEntry] = {
    entry.name: entry
    for entry in (
        DriverEntry("sim", "drivers.wii.sim_device:SimulatedWiiBalanceBoard"),
        DriverEntry("plate", "drivers.forceplate.device:ForcePlate"),
        DriverEntry("sim-plate", "drivers.forceplate.sim_plate:SimulatedForcePlate"),
        DriverEntry("sim-plate-pair", "drivers.forceplate.sim_plate:SimulatedPlatePair"),
        DriverEntry("sim-gait", "drivers.sim.gait_plates:SimulatedGaitPlates"),
        DriverEntry("sim-home", "drivers.sim.home_patient:SimulatedHomeBoard"),
        DriverEntry("mat", "drivers.mat.device:PressureMat"),
        DriverEntry("sim-mat", "drivers.mat.device:SimulatedPressureMat"),
        DriverEntry("wbb", "drivers.wii.device:WiiBalanceBoard"),
        DriverEntry("wbb2", "drivers.wii.dual:DualWiiBalanceBoard"),
        DriverEntry("sim-wbb2", "drivers.wii.dual:SimulatedDualWiiBalanceBoard"),
    )
}


#: Other names of a driver: ``sim-wbb`` is the simulated Wii Balance Board, ``sim``.
ALIASES: dict[str, str] = {"sim-wbb": "sim"}


def drivers() -> dict[str, DriverEntry]:
    """Every known driver by name: the built-ins, then entry points (a built-in name cannot be replaced)."""
    from importlib.metadata import entry_points  # ~30 ms of imports: paid only when a driver is looked up

    found = dict(BUILTIN_DRIVERS)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, DriverEntry(ep.name, ep.value))
    return found


def driver_class(name: str) -> type[Device]:
    """The Device class registered under ``name``."""
    known = drivers()
    name = ALIASES.get(name, name)
    if name not in known:
        raise UnknownDriverError(f"unknown device {name!r}; known devices: {', '.join(sorted(known))}")
    return known[name].load()


def parse_spec(spec: str) -> tuple[str, str]:
    """Split ``NAME[:ADDRESS]`` into (name, address)."""
    name, _, address = spec.strip().partition(":")
    if not name:
        raise UnknownDriverError(f"empty device name in {spec!r}")
    return name, address


def create(spec: str, options: Mapping[str, Any] | None = None) -> Device:
    """Create (not open) the device named by ``spec`` with driver ``options``."""
    name, address = parse_spec(spec)
    return driver_class(name).from_options(address, options)


def create_for(
    spec: str,
    *,
    mass_kg: float | None = None,
    affected_side: str | None = None,
    realtime: bool | None = None,
    speed: float | None = None,
    extras: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Device:
    """Create (not open) the device ``spec`` for a subject: the station's one device factory.

    ``mass_kg`` (kg), ``affected_side`` ("left"/"right"), ``realtime`` (pace by the wall clock), ``speed``
    (times real time) and ``extras`` (e.g. ``{"exercise": "mini-squat"}``, ``{"mode": "stepping"}``) are
    passed only to a driver that declares them in its ``OPTIONS`` (a simulator's subject takes them; real
    hardware has none of them), and only when not None. ``options`` are the user's ``--device-option``
    values: they win over everything above, and an unknown one raises ``ValueError`` naming the options the
    driver has.
    """
    name, address = parse_spec(spec)
    cls = driver_class(name)
    wanted: dict[str, Any] = {"mass_kg": mass_kg, "affected_side": affected_side, "realtime": realtime,
                              "speed": speed, **(extras or {})}
    chosen = {key: value for key, value in wanted.items() if value is not None and key in cls.OPTIONS}
    chosen.update(options or {})
    return cls.from_options(address, chosen)


def find_devices() -> list[FoundDevice]:
    """Every device that can be opened now, simulators included, in registry order.

    A driver whose optional dependency is missing contributes nothing instead of failing the list.
    """
    found: list[FoundDevice] = []
    for entry in drivers().values():
        try:
            cls = entry.load()
        except ImportError:
            continue
        found.extend(cls.find())
    return found
