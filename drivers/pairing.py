"""Two devices, one under each foot, presented as one :class:`~drivers.device.Device`: what every pair shares.

A pair (two OFP-1 plates, :mod:`drivers.forceplate.pair`; two Wii Balance Boards, :mod:`drivers.wii.dual`)
opens, starts, stops and closes both devices together (the left one first; if the right one fails to
open, the left one is closed again), reads each with half the read timeout, and describes itself with
one combined :class:`~drivers.model.DeviceInfo`: the left device's sensors shifted by ``−d/2`` along x
and the right device's by ``+d/2`` (``d`` = distance between their centres, mm), channels prefixed
``L.`` and ``R.``. Left/right cell pairs about x = 0 are then exactly the two devices, so the standing
analysis gives each limb's load as its device's total. How the two sample streams are put on one
time base is each pair's own business.

References
----------
Clark RA et al. Gait Posture 2011;34:288-291 (two boards, one per foot); ``docs/ofp-1.md`` §6.4.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Sequence
from typing import ClassVar

from drivers.device import Device
from drivers.errors import DeviceError
from drivers.model import DeviceInfo, SampleBlock

__all__ = ["DevicePair", "side_by_side_positions", "side_channel_names"]


def side_by_side_positions(
    left_mm: Iterable[tuple[float, float]], right_mm: Iterable[tuple[float, float]], distance_mm: float
) -> tuple[tuple[float, float], ...]:
    """Sensor (x, y) of both devices in one frame, mm: left shifted by ``−distance/2``, right by ``+distance/2``."""
    half = distance_mm / 2.0
    return tuple((x - half, y) for x, y in left_mm) + tuple((x + half, y) for x, y in right_mm)


def side_channel_names(left: Sequence[str], right: Sequence[str]) -> tuple[str, ...]:
    """The combined channel names: the left device's prefixed ``L.``, then the right device's prefixed ``R.``."""
    return tuple(f"L.{n}" for n in left) + tuple(f"R.{n}" for n in right)


class DevicePair(Device):
    """Base of a pair of devices, ``left`` (left foot) and ``right`` (right foot), acting as one device.

    A subclass sets ``self.left`` and ``self.right`` (not yet opened) in its constructor and implements
    :meth:`_describe` (the combined information, once both are open) and ``_read`` (one time base for
    both streams; :meth:`_read_sides` reads them).
    """

    #: What ``info`` says before ``open()``.
    NOT_OPEN_MESSAGE: ClassVar[str] = "open the device pair first"

    left: Device
    right: Device
    _info: DeviceInfo | None = None

    @property
    def info(self) -> DeviceInfo:
        if self._info is None:
            raise DeviceError(self.NOT_OPEN_MESSAGE)
        return self._info

    @abstractmethod
    def _describe(self) -> DeviceInfo:
        """The pair's :class:`DeviceInfo`, from both opened devices; raise DeviceError when they do not fit."""

    def _open(self) -> None:
        self.left.open()
        try:
            self.right.open()
        except BaseException:
            self.left.close()
            raise
        self._info = self._describe()

    def _start(self) -> None:
        self.left.start()
        self.right.start()

    def _read_sides(self, timeout_s: float) -> tuple[SampleBlock | None, SampleBlock | None]:
        """One read of each device (left first), each waiting up to half of ``timeout_s``."""
        return self.left.read(timeout_s / 2.0), self.right.read(timeout_s / 2.0)

    def _stop(self) -> None:
        self.left.stop()
        self.right.stop()

    def _close(self) -> None:
        try:
            self.left.close()
        finally:
            self.right.close()
