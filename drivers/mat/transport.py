"""Serial transport for USB-serial pressure mats (pyserial): open a port, read whatever bytes arrived.

The DO-P4864 enumerates as a CH340 USB-UART (VID:PID 1a86:7523) and streams at 1 000 000 baud 8N1
without being asked (no downlink commands). A read waits up to a timeout for the first byte, then takes
everything the OS has buffered, so the reader thread wakes once per burst, not once per byte.
"""

from __future__ import annotations

import time

from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound

try:
    import serial
    from serial.tools import list_ports
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("the pressure-mat driver needs pyserial: pip install 'balance-station[serial]'") from exc

__all__ = ["CH340_USB_IDS", "SerialTransport", "list_candidate_ports"]

#: USB vendor and product id of the WCH CH340 USB-UART bridge inside the DO-P4864.
CH340_USB_IDS = ((0x1A86, 0x7523),)


def list_candidate_ports() -> list[tuple[str, str]]:
    """Serial ports whose USB ids match a known mat bridge: (device path, description)."""
    found = []
    for port in list_ports.comports():
        if (port.vid, port.pid) in CH340_USB_IDS:
            found.append((port.device, f"{port.description} (USB {port.vid:04x}:{port.pid:04x})"))
    return found


class SerialTransport:
    """A serial port opened 8N1 at ``baudrate``.

    Parameters
    ----------
    port : str
        Device path (``/dev/ttyUSB0``, ``COM3``, or a pseudo-terminal for the simulator).
    baudrate : int
        Line rate, baud.
    max_read : int
        Upper bound of one read, bytes.
    """

    def __init__(self, port: str, baudrate: int, max_read: int = 65536) -> None:
        if not port:
            raise DeviceNotFound("no serial port given for the pressure mat (use --device mat:/dev/ttyUSB0)")
        self.port = port
        self.baudrate = int(baudrate)
        self.max_read = int(max_read)
        self._serial: serial.Serial | None = None

    def open(self) -> None:
        try:
            self._serial = serial.Serial(
                self.port, baudrate=self.baudrate, bytesize=serial.EIGHTBITS, parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE, timeout=0.1, exclusive=True,
            )
        except serial.SerialException as exc:
            if "No such file" in str(exc) or "could not open" in str(exc).lower():
                raise DeviceNotFound(f"cannot open the pressure mat on {self.port}: {exc}") from exc
            raise DeviceError(f"cannot open the pressure mat on {self.port}: {exc}") from exc

    def flush_input(self) -> None:
        """Drop bytes buffered before streaming starts (stale, half frames)."""
        if self._serial is not None:
            try:
                self._serial.reset_input_buffer()
            except Exception as exc:  # SerialException, OSError or termios.error: the port is gone
                raise DeviceDisconnected(f"the pressure mat on {self.port} went away: {exc}") from exc

    def read(self, timeout_s: float) -> bytes:
        """Bytes that arrived within ``timeout_s`` (empty when none did).

        Raises
        ------
        DeviceDisconnected
            The port went away (USB unplugged, simulator closed).
        """
        port = self._serial
        if port is None:
            raise DeviceError("the serial port is not open")
        try:
            port.timeout = max(timeout_s, 0.0)
            first = port.read(1)
            if not first:
                return b""
            waiting = port.in_waiting
            rest = port.read(min(waiting, self.max_read)) if waiting else b""
            return first + rest
        except (serial.SerialException, OSError) as exc:
            raise DeviceDisconnected(f"the pressure mat on {self.port} went away: {exc}") from exc

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None

    @staticmethod
    def now() -> float:
        """Host monotonic time, s."""
        return time.monotonic()
