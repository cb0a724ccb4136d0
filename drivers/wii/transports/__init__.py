"""Transports for the Wii Balance Board: one interface, four ways to reach a board, one module each.

* :class:`HidrawTransport` (:mod:`~drivers.wii.transports.hidraw`) — Linux ``/dev/hidrawN`` (raw reports;
  found by VID/PID 057E:0306 on the Bluetooth bus, docs/wii-balance-board.md "Access rights").
* :class:`HidapiTransport` (:mod:`~drivers.wii.transports.hidapi`) — Windows / macOS / Linux through the
  ``hid`` module of the ``hidapi`` package (the ``[hid]`` extra), imported only when used.
* :class:`EvdevTransport` (:mod:`~drivers.wii.transports.evdev`) — Linux, the kernel's ``Nintendo Wii
  Remote Balance Board`` input node (``evdev`` package, imported only when used). Read-only and
  **kernel-calibrated**: 10 g integers, clamped at 0, fuzz-filtered (docs/wii-balance-board.md "The evdev
  path: caveats"). Fine for weighing and feedback, not for sway research.
* :class:`SimTransport` (:mod:`~drivers.wii.transports.simulated`) — the byte-exact
  :class:`~drivers.wii.simulator.SimulatedWiiBoard`.

The interface is :class:`Transport` (:mod:`~drivers.wii.transports.base`). Report transports (hidraw,
hidapi, sim) move whole HID reports in hidraw framing (report ID first). :meth:`Transport.read` returns
every report that arrived, each stamped with the host's monotonic clock in ns on arrival (the board has
no clock of its own).
"""

from drivers.wii.transports.base import Transport
from drivers.wii.transports.evdev import EvdevFrame, EvdevTransport, find_evdev_nodes
from drivers.wii.transports.hidapi import HidapiTransport
from drivers.wii.transports.hidraw import HidrawTransport, find_hidraw_by_uniq, find_hidraw_nodes, hidraw_uniq
from drivers.wii.transports.simulated import SimTransport

__all__ = [
    "EvdevFrame",
    "EvdevTransport",
    "HidapiTransport",
    "HidrawTransport",
    "SimTransport",
    "Transport",
    "find_evdev_nodes",
    "find_hidraw_by_uniq",
    "find_hidraw_nodes",
    "hidraw_uniq",
]
