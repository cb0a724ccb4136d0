"""Run the Wii Balance Board initialisation over a transport: send each step, await its reply, check them.

The steps are :func:`drivers.wii.init_sequence.init_sequence` (status, LED1, extension init, 6-byte ID,
calibration block and, with ``check_crc``, the reference temperature, reporting mode). A status
without the extension bit, a refused step, a failed memory read (W10), a wrong extension ID or no
reply within ``timeout_s`` per step fails the initialisation with a message that says what to do.
Reports that are not the awaited reply (early data reports, say) are skipped; malformed ones are
counted through ``on_malformed``.

References
----------
docs/wii-protocol.md §1.4, §1.5; docs/wii-protocol.md W6, W10, W13.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drivers.errors import DeviceError, DeviceTimeout
from drivers.wii import reports as r
from drivers.wii.calibration import Calibration, parse_calibration_block
from drivers.wii.init_sequence import init_sequence
from drivers.wii.transports.base import Transport

__all__ = ["initialise"]


def initialise(
    transport: Transport, *, report_mode: int, check_crc: bool, timeout_s: float, on_malformed: Callable[[], None],
    on_status: Callable[[r.Status], None] | None = None,
) -> Calibration:
    """Initialise the board behind ``transport`` and return its calibration (CRC checked when read).

    ``on_status`` sees the status report the first step asks for (its battery byte).

    Raises
    ------
    DeviceTimeout
        A step got no reply within ``timeout_s`` s.
    DeviceError
        Not a balance board, not ready, or a step was refused.
    """
    return _Handshake(transport, timeout_s, on_malformed, on_status).run(report_mode, check_crc)


class _Handshake:
    def __init__(self, transport: Transport, timeout_s: float, on_malformed: Callable[[], None],
                 on_status: Callable[[r.Status], None] | None = None) -> None:
        self.transport = transport
        self.timeout_s = timeout_s
        self.on_malformed = on_malformed
        self.on_status = on_status
        self.inbox: list[tuple[int, Any]] = []

    def run(self, report_mode: int, check_crc: bool) -> Calibration:
        replies: dict[str, bytes] = {}
        for step in init_sequence(report_mode, check_crc=check_crc):
            self.transport.write(step.report)
            if step.expect == "status":
                status = self._await(step.name, lambda rep: isinstance(rep, r.Status))
                assert isinstance(status, r.Status)
                if self.on_status is not None:
                    self.on_status(status)
                if not status.extension_connected:
                    raise DeviceError(
                        "the board reports no extension: this is a Wii Remote, or the board is not ready "
                        "(replace the batteries and reconnect)"
                    )
            elif step.expect == "ack":
                ack = self._await(step.name, lambda x, rid=step.report[0]: isinstance(x, r.Ack) and x.report_id == rid)
                assert isinstance(ack, r.Ack)
                if not ack.ok:
                    raise DeviceError(f"the board refused initialisation step {step.name!r} (error {ack.error:#04x})")
            elif step.expect == "read":
                replies[step.name] = self._read_memory(step.name, step.read_size)
        self.inbox = []  # anything left over (e.g. early data reports) is not needed
        ext_id = replies["ext-id"]
        if ext_id != r.BALANCE_BOARD_EXTENSION_ID:
            raise DeviceError(
                f"not a Wii Balance Board: extension id {ext_id.hex(' ')}, expected "
                f"{r.BALANCE_BOARD_EXTENSION_ID.hex(' ')}"
            )
        return parse_calibration_block(replies["calibration"], replies.get("reference-temperature"))

    def _await(self, step: str, match: Callable[[Any], bool]) -> r.Report:
        transport = self.transport
        deadline = transport.now() + self.timeout_s
        while True:
            remaining = deadline - transport.now()
            if remaining <= 0:
                raise DeviceTimeout(
                    f"the board never finished initialisation: no reply to step {step!r} within "
                    f"{self.timeout_s:g} s. Switch it off and on, press the red SYNC button, check the batteries"
                )
            if not self.inbox:
                self.inbox.extend(transport.read(remaining))
            while self.inbox:
                _, data = self.inbox.pop(0)
                try:
                    report = r.decode(data)
                except r.MalformedReport:
                    self.on_malformed()
                    continue
                if isinstance(report, r.Ack) and not report.ok and not match(report):
                    raise DeviceError(f"the board refused an output report {report.report_id:#04x} during {step!r}")
                if match(report):
                    return report

    def _read_memory(self, step: str, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self._await(step, lambda rep: isinstance(rep, r.ReadData))
            assert isinstance(chunk, r.ReadData)
            if not chunk.ok:
                raise DeviceError(f"reading board memory for {step!r} failed with error {chunk.error} (W10)")
            data += chunk.data
        return data[:size]
