"""The device of each set of a guided home session: created per set, and a simulated home patient told which
exercise comes (as :func:`station.home.session.record_set` does)."""

from __future__ import annotations

from collections.abc import Callable

from drivers import registry
from drivers.device import Device
from recordings.metadata import Subject
from station.home import ExerciseDose

__all__ = ["HomeDeviceFactory", "create_home_device", "prepare_set"]

#: ``factory(dose, set_index)`` -> a closed device for that set (tests inject simulators).
HomeDeviceFactory = Callable[[ExerciseDose, int], Device]


def create_home_device(spec: str, subject: Subject, *, speed: float | None = None) -> HomeDeviceFactory:
    """A factory of devices ``spec`` for each set; simulators stream in real time (or ``speed`` times faster when
    the driver has that option, e.g. ``sim-home`` for a demo), with the subject's mass and side, and (``sim-home``)
    perform the set's exercise."""

    def factory(dose: ExerciseDose, set_index: int) -> Device:
        device = registry.create_for(spec, mass_kg=subject.mass_kg, affected_side=subject.affected_side,
                                     realtime=True, speed=speed, extras={"exercise": dose.exercise})
        prepare_set(device, dose, set_index)
        return device

    return factory


def prepare_set(device: Device, dose: ExerciseDose, set_index: int) -> None:
    """Tell a simulated home patient (``sim-home``) which set comes, as ``record_set`` does; real devices have
    no ``prepare_set``."""
    prepare = getattr(device, "prepare_set", None)
    if callable(prepare):
        prepare(dose.exercise, reps=dose.reps, hold_s=dose.hold_s, set_index=set_index)

