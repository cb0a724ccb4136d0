"""The interface every device implements: open, start, read blocks, stop, close.

Subclasses implement the ``_open``/``_start``/``_read``/``_stop``/``_close`` hooks; this base class
owns the state machine, so every driver rejects calls in the wrong order with the same clear error
and can be used as a context manager::

    with registry.create("sim") as device:
        device.start()
        block = device.read(timeout_s=0.5)
        device.stop()

Constructors do no I/O: nothing touches hardware before ``open()``.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from enum import StrEnum
from types import TracebackType
from typing import Any, ClassVar, Self

from drivers.errors import DeviceStateError
from drivers.model import DeviceInfo, SampleBlock

__all__ = ["Device", "DeviceState", "FoundDevice"]


class DeviceState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    STREAMING = "streaming"


class FoundDevice:
    """A device a driver can open: what ``station devices`` prints, one per line."""

    __slots__ = ("address", "description", "driver")

    def __init__(self, driver: str, address: str, description: str) -> None:
        self.driver = driver
        self.address = address
        self.description = description

    @property
    def spec(self) -> str:
        """The string to pass to ``--device`` to open this device."""
        return self.driver if not self.address else f"{self.driver}:{self.address}"

    def __repr__(self) -> str:
        return f"FoundDevice({self.spec!r}, {self.description!r})"


class Device(ABC):
    """Base class of every driver's device."""

    #: Options ``from_options`` accepts: name -> (converter, help text). Subclasses extend it.
    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {}

    def __init__(self) -> None:
        self._state = DeviceState.CLOSED
        self._lock = threading.Lock()

    # -- discovery and construction -------------------------------------------------------------

    @classmethod
    def find(cls) -> list[FoundDevice]:
        """Devices of this driver that are attached now (simulators: always one)."""
        return []

    @classmethod
    def from_options(cls, address: str = "", options: Mapping[str, Any] | None = None) -> Self:
        """Build a device from an address and ``--device-option`` style values.

        String values are converted with the converters in ``OPTIONS``; an unknown option name or a
        value that does not convert raises ``ValueError`` naming it.
        """
        kwargs: dict[str, Any] = {}
        for name, value in (options or {}).items():
            if name not in cls.OPTIONS:
                known = ", ".join(sorted(cls.OPTIONS)) or "none"
                raise ValueError(f"{cls.__name__} has no option {name!r} (options: {known})")
            converter = cls.OPTIONS[name][0]
            try:
                kwargs[name] = converter(value) if isinstance(value, str) else value
            except ValueError as exc:
                raise ValueError(f"option {name}={value!r}: {exc}") from None
        if address:
            kwargs["address"] = address
        return cls(**kwargs)

    @property
    def battery_pct(self) -> float | None:
        """Battery charge, %, as the device last reported it; None when it reports none (mains, or not yet)."""
        return None

    def recording_settings(self) -> dict[str, tuple[Any, str]]:
        """Settings of the opened device to store with a recording: name -> (value, unit).

        For what is known only after ``open()``: a tare, a calibration, the board's orientation.
        """
        return {}

    # -- state machine ----------------------------------------------------------------------------

    @property
    def state(self) -> DeviceState:
        return self._state

    @property
    @abstractmethod
    def info(self) -> DeviceInfo:
        """Static description; available after ``open()`` (simulators: at once)."""

    def open(self) -> None:
        """Connect to the device and read its identity and calibration."""
        with self._lock:
            if self._state != DeviceState.CLOSED:
                raise DeviceStateError(f"open() on a device that is already {self._state}")
            self._open()
            self._state = DeviceState.OPEN

    def start(self) -> None:
        """Start streaming samples."""
        with self._lock:
            if self._state != DeviceState.OPEN:
                raise DeviceStateError(f"start() needs an open device that is not streaming; it is {self._state}")
            self._start()
            self._state = DeviceState.STREAMING

    def read(self, timeout_s: float) -> SampleBlock | None:
        """Return the samples that arrived since the last call, waiting up to ``timeout_s`` seconds.

        Returns ``None`` when nothing arrived in time. Raises ``DeviceDisconnected`` when the device
        went away; samples received before that were already returned.
        """
        if self._state != DeviceState.STREAMING:
            raise DeviceStateError(f"read() needs a streaming device; call start() first (it is {self._state})")
        if timeout_s < 0:
            raise ValueError(f"timeout_s must be >= 0, got {timeout_s}")
        return self._read(timeout_s)

    def stop(self) -> None:
        """Stop streaming; the device stays open."""
        with self._lock:
            if self._state == DeviceState.STREAMING:
                self._stop()
                self._state = DeviceState.OPEN

    def close(self) -> None:
        """Stop if needed and release the device. Safe to call twice."""
        self.stop()
        with self._lock:
            if self._state == DeviceState.OPEN:
                self._close()
                self._state = DeviceState.CLOSED

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- hooks --------------------------------------------------------------------------------------

    @abstractmethod
    def _open(self) -> None: ...

    @abstractmethod
    def _start(self) -> None: ...

    @abstractmethod
    def _read(self, timeout_s: float) -> SampleBlock | None: ...

    @abstractmethod
    def _stop(self) -> None: ...

    @abstractmethod
    def _close(self) -> None: ...
