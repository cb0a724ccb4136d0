"""A byte-exact simulated Wii Balance Board at the HID report level (docs/wii-protocol.md §1.12).

The board receives output reports (hidraw framing) with :meth:`SimulatedWiiBoard.handle_output` and
produces input reports with :meth:`SimulatedWiiBoard.reports_until`, each stamped with the simulated
time at which it would arrive. It behaves as docs/wii-protocol.md describes a real board (§1.12):

* register memory 0xA40000..0xA400FF with a calibration block and a correct CRC: the real board's
  block from §1.5 (Carl Kenner's dump, CRC 0x5E40E9B6, reference temperature 0x1A) or the "nice"
  Dolphin-style block (0 / 17 / 34 kg = 10000 / 11700 / 13400 counts, byte 0x20 = 0x01, ref. temp. 0x19)
  (:mod:`drivers.wii.sim_sensors`); EEPROM space of 0x1700 zero bytes (top address byte ignored);
* 0x15 → ``20 BB BB LF 00 00 VV``, after which the data reporting mode (DRM) falls back to 0x30;
* 0x16 → the write is applied and acked ``22 BB BB 16 00``; writes outside memory or with a bad size
  are acked with error 0x04;
* 0x17 → 16-byte 0x21 chunks with the right SE nibble and address low word; out of bounds → E = 8;
* extension bytes read 0xFF until 0x55 → 0xA400F0 and then 0x00 → 0xA400FB are written (memory and
  extension init: :mod:`drivers.wii.sim_memory`);
* the DRM (0x30 / 0x32 / 0x34) decides the data reports; 0x30 reports come only when the button
  changes; data reports come at a jittered cadence (mean ≈ 83 Hz, within 60-100 Hz, with bursts
  and late reports), with optional dropouts and corrupted reports (:mod:`drivers.wii.sim_radio`);
* the front button (``BB2 & 0x08``), a temperature byte, and batteries that drain.

The physics: a :class:`~drivers.sim.subject.StandingSubject` steps on at ``step_on_s``; its force and
COP are spread over the four corners by the bilinear rule (Dolphin ``CenterOfBalanceToSensors``),
plus an optional per-sensor zero offset (old boards: ±1 kg), then turned into counts with the
inverse of the two-segment calibration and ~1.5 counts of noise (:mod:`drivers.wii.sim_sensors`).

Faults: ``disconnect_at_s`` (the link drops; ``reconnect_after_s`` later the board can be reached again
and has forgotten its state, as after a power cycle), ``init_never_finishes`` (extension-init
writes are never acked), ``dropout`` and ``bad_report_rate``.
"""

from __future__ import annotations

import numpy as np

from drivers.sim.stepping import SteppingSubject
from drivers.sim.subject import StandingSubject, SubjectTruth
from drivers.wii import protocol as p
from drivers.wii.sim_memory import WRITE_ERROR, BoardMemory
from drivers.wii.sim_radio import LinkSchedule, corrupt_report, report_intervals
from drivers.wii.sim_sensors import (
    NICE_CALIBRATION_BLOCK,
    NICE_REF_TEMP,
    REAL_CALIBRATION_BLOCK,
    REAL_REF_TEMP,
    corner_loads_kg,
    kg_to_counts,
)
from physical import STANDARD_GRAVITY_M_S2

__all__ = ["SimulatedWiiBoard"]

_HALF_WIDTH_MM = 216.5
_HALF_DEPTH_MM = 119.0
_REPLY_LATENCY_S = 0.001
_BUTTON_HOLD_S = 0.15


class SimulatedWiiBoard:
    """A simulated balance board speaking the HID protocol byte for byte.

    Parameters
    ----------
    subject : StandingSubject, SteppingSubject or None
        The person who steps on; None leaves the board empty.
    step_on_s : float
        Simulated time at which the subject steps on, s; the subject's own time (its sway, its exercise) runs
        from then on: ``subject.sample(t − step_on_s + subject_time_at_step_on_s)``.
    calibration : {"real", "nice"}
        Which calibration block is in register memory.
    seed : int
        Seed of the timing, noise and fault generator.
    mean_interval_ms : float
        Typical interval between data reports, ms (12 ms ≈ 83 Hz).
    zero_offset_kg : 4 floats
        Load each sensor reads on an empty board, kg (TR, BR, TL, BL).
    noise_counts : float
        Standard deviation of the sensor noise, counts.
    dropout : float
        Probability that a data report is lost on the air (0-1).
    bad_report_rate : float
        Probability that a data report arrives corrupted (truncated, unknown ID, or all-0xFF).
    foot : {None, "left", "right"}
        None: the subject stands on this board with both feet. "left"/"right": only that foot stands
        on this board, centred on it (two boards, one per foot; Clark 2011).
    reversed_subject : bool
        The subject stands facing the power button (the board frame rotated by 180°).
    button_presses_s : sequence of float
        Times at which the front button is pressed (held 0.15 s).
    status_every_s : float or None
        Send an unsolicited 0x20 status report this often (as on a battery or extension change);
        each one resets the DRM to 0x30, so a driver must re-send 0x12.
    disconnect_at_s, reconnect_after_s : float or None
        Link drop time, and how long the board stays unreachable afterwards (None: for good).
    init_never_finishes : bool
        Never ack the extension-init writes.
    battery_ext, battery_status : int
        Initial battery bytes of 0x34 (E10) and 0x20 (VV).
    battery_drain_per_hour : float
        Battery byte units lost per hour of simulated time.
    """

    def __init__(
        self,
        subject: StandingSubject | SteppingSubject | None = None,
        *,
        step_on_s: float = 0.0,
        calibration: str = "real",
        seed: int = 0,
        mean_interval_ms: float = 12.0,
        zero_offset_kg: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0),
        noise_counts: float = 1.5,
        dropout: float = 0.0,
        bad_report_rate: float = 0.0,
        button_presses_s: tuple[float, ...] = (),
        status_every_s: float | None = None,
        disconnect_at_s: float | None = None,
        reconnect_after_s: float | None = None,
        init_never_finishes: bool = False,
        battery_ext: int = 0x9E,
        battery_status: int = 0xC6,
        battery_drain_per_hour: float = 4.0,
        foot: str | None = None,
        reversed_subject: bool = False,
    ) -> None:
        if foot not in (None, "left", "right"):
            raise ValueError(f"foot must be None, 'left' or 'right', got {foot!r}")
        if calibration not in ("real", "nice"):
            raise ValueError(f"calibration must be 'real' or 'nice', got {calibration!r}")
        if not 0.0 <= dropout < 1.0 or not 0.0 <= bad_report_rate < 1.0:
            raise ValueError(f"dropout and bad_report_rate must be within [0, 1), got {dropout}, {bad_report_rate}")
        if not 5.0 <= mean_interval_ms <= 100.0:
            raise ValueError(f"mean_interval_ms must be within 5-100 ms, got {mean_interval_ms}")
        if len(zero_offset_kg) != 4:
            raise ValueError(f"zero_offset_kg needs 4 values (TR, BR, TL, BL), got {len(zero_offset_kg)}")
        if status_every_s is not None and not status_every_s > 0:
            raise ValueError(f"status_every_s must be > 0, got {status_every_s}")
        self.subject = subject
        self.foot = foot
        self.reversed_subject = bool(reversed_subject)
        self.step_on_s = float(step_on_s)
        #: The subject's own time when it steps on, s: 0 for a fresh subject; where it left off after a step off.
        self.subject_time_at_step_on_s = 0.0
        self.subject_time_s = 0.0  #: the latest of the subject's own times sampled, s
        self.mean_interval_s = mean_interval_ms / 1000.0
        self.zero_offset_kg = np.asarray(zero_offset_kg, dtype=np.float64)
        self.noise_counts = float(noise_counts)
        self.dropout = float(dropout)
        self.bad_report_rate = float(bad_report_rate)
        self.button_presses_s = tuple(sorted(float(t) for t in button_presses_s))
        self.status_every_s = status_every_s
        self.battery_drain_per_hour = float(battery_drain_per_hour)
        self._battery_ext0 = int(battery_ext)
        self._battery_status0 = int(battery_status)
        self._rng = np.random.default_rng([seed, 0x57B])
        block, ref = (REAL_CALIBRATION_BLOCK, REAL_REF_TEMP) if calibration == "real" else (
            NICE_CALIBRATION_BLOCK, NICE_REF_TEMP)
        self.memory = BoardMemory(block, ref, init_never_finishes)
        self.calibration = p.parse_calibration(block[4:28])
        self.reference_temperature = ref[0]
        self._link = LinkSchedule(disconnect_at_s, None if disconnect_at_s is None or reconnect_after_s is None
                           else disconnect_at_s + reconnect_after_s)
        self.transcript: list[tuple[str, float, bytes]] = []  #: ("out"/"in", t_s, report), data reports excluded
        #: When a list: (board times, the subject's truth there) of every data report generated (tests).
        self.truth_log: list[tuple[np.ndarray, SubjectTruth]] | None = None
        self.data_reports_sent = 0
        self.data_reports_dropped = 0
        self.data_reports_corrupted = 0
        self._next_status_t = status_every_s if status_every_s else np.inf
        self._power_on(0.0)

    # -- state --------------------------------------------------------------------------------------

    def _power_on(self, t_s: float) -> None:
        """State after power-on or reconnect: DRM 0x30, extension not initialised, LEDs off."""
        self.drm = 0x30
        self.continuous = False
        self.leds = 0
        self.memory.power_on()
        self._pending: list[tuple[float, bytes]] = []
        self._next_data_t = t_s
        self._last_button = False
        self._gen_t = t_s

    def battery_bytes(self, t_s: float) -> tuple[int, int]:
        """(E10 ext battery, 0x20 VV) at simulated time ``t_s``."""
        drop = int(self.battery_drain_per_hour * t_s / 3600.0)
        return max(self._battery_ext0 - drop, 0), max(self._battery_status0 - drop, 0)

    def button_at(self, t: np.ndarray) -> np.ndarray:
        """Front button held at times ``t`` (bool array)."""
        t = np.asarray(t, dtype=np.float64)
        held = np.zeros(t.shape, dtype=bool)
        for press in self.button_presses_s:
            held |= (t >= press) & (t < press + _BUTTON_HOLD_S)
        return held

    def link_up(self, t_s: float) -> bool:
        """Whether the board can be reached at ``t_s``."""
        return self._link.up(t_s)

    def reconnect(self, t_s: float) -> None:
        """A host connects again after a link drop: the board starts from its power-on state."""
        if not self.link_up(t_s):
            raise ConnectionError("the simulated board is out of reach")
        self._power_on(t_s)

    @property
    def disconnect_at_s(self) -> float | None:
        return self._link.down_at

    @property
    def ext_initialised(self) -> bool:
        """Whether the host has run the extension init since power-on."""
        return self.memory.ext_initialised

    @property
    def init_never_finishes(self) -> bool:
        return self.memory.init_never_finishes

    # -- output reports -----------------------------------------------------------------------------

    def handle_output(self, report: bytes, t_s: float) -> None:
        """Receive one output report at simulated time ``t_s`` and queue the board's replies."""
        data = bytes(report)
        self._generate_until(t_s)
        self.transcript.append(("out", t_s, data))
        if not data:
            return
        t_reply = t_s + _REPLY_LATENCY_S
        rid = data[0]
        if rid == p.ReportId.LEDS and len(data) >= 2:
            self.leds = data[1] >> 4
        elif rid == p.ReportId.REPORTING_MODE and len(data) >= 3:
            if data[2] in (0x30, 0x32, 0x34):
                self.drm = data[2]
                self.continuous = bool(data[1] & 0x04)
                self._next_data_t = max(self._next_data_t, t_reply)
            else:
                self._reply(t_reply, self._ack(rid, WRITE_ERROR))
        elif rid == p.ReportId.STATUS_REQUEST:
            self._send_status(t_reply)
        elif rid == p.ReportId.WRITE_MEMORY and len(data) >= 22:
            self._write(data, t_reply)
        elif rid == p.ReportId.READ_MEMORY and len(data) >= 7:
            self._read(data, t_reply)
        else:
            self._reply(t_reply, self._ack(rid, WRITE_ERROR))

    def _buttons(self, t_s: float) -> tuple[int, int]:
        return 0x00, p.BUTTON_MASK if self.button_at(np.array([t_s]))[0] else 0x00

    def _ack(self, rid: int, error: int, t_s: float = 0.0) -> bytes:
        return bytes((p.ReportId.ACK, *self._buttons(t_s), rid, error))

    def _reply(self, t_s: float, report: bytes) -> None:
        self._pending.append((t_s, report))

    def _send_status(self, t_s: float) -> None:
        _, vv = self.battery_bytes(t_s)
        lf = 0x02 | (self.leds << 4) | (0x01 if vv < 0x40 else 0x00)
        self._reply(t_s, bytes((p.ReportId.STATUS, *self._buttons(t_s), lf, 0x00, 0x00, vv)))
        self.drm = 0x30  # the board resets the DRM after every status report

    def _write(self, data: bytes, t_s: float) -> None:
        error = self.memory.write(data)
        if error is not None:
            self._reply(t_s, self._ack(p.ReportId.WRITE_MEMORY, error, t_s))

    def _read(self, data: bytes, t_s: float) -> None:
        for report in self.memory.read(data, self._buttons(t_s)):
            self._reply(t_s, report)

    # -- input reports ------------------------------------------------------------------------------

    def next_event_s(self) -> float:
        """Simulated time of the next report the board will send on its own (inf: none planned)."""
        pending = min((t for t, _ in self._pending), default=np.inf)
        data = self._next_data_t if self.drm in (0x32, 0x34) else np.inf
        return float(min(pending, data, self._next_status_t))

    def reports_until(self, t_s: float) -> list[tuple[float, bytes]]:
        """Every input report the board sends up to simulated time ``t_s``, in time order."""
        self._generate_until(t_s)
        due = [(t, r) for t, r in self._pending if t <= t_s]
        self._pending = [(t, r) for t, r in self._pending if t > t_s]
        due.sort(key=lambda item: item[0])
        for t, r in due:
            if r[0] not in (0x32, 0x34):
                self.transcript.append(("in", t, r))
        return due

    def _generate_until(self, t_s: float) -> None:
        """Generate data reports (and unsolicited status reports) up to ``t_s`` into the queue."""
        while self._gen_t < t_s:
            end = min(t_s, self._next_status_t)
            self._generate_data(end)
            self._gen_t = end
            if end >= self._next_status_t:
                self._send_status(self._next_status_t)
                self._next_status_t += self.status_every_s or np.inf

    def _generate_data(self, t_end: float) -> None:
        if self.drm == 0x30:
            self._button_changes(self._gen_t, t_end)
            self._next_data_t = max(self._next_data_t, t_end)
            return
        if self._next_data_t > t_end:
            return
        n_guess = int((t_end - self._next_data_t) / self.mean_interval_s * 1.5) + 8
        steps = report_intervals(self._rng, self.mean_interval_s, n_guess)
        t = self._next_data_t + np.concatenate([[0.0], np.cumsum(steps[:-1])])
        n = int(np.searchsorted(t, t_end, side="right"))
        while n == t.size:  # (rare) the guess was short: extend
            more = report_intervals(self._rng, self.mean_interval_s, n_guess)
            t = np.concatenate([t, t[-1] + np.cumsum(more)])
            n = int(np.searchsorted(t, t_end, side="right"))
        self._next_data_t = float(t[n])
        t = t[:n]
        if n == 0:
            return
        matrix = self._data_matrix(t)
        kept = self._rng.random(n) >= self.dropout
        corrupt = self._rng.random(n) < self.bad_report_rate
        self.data_reports_dropped += int(np.sum(~kept))
        width = 22 if self.drm == 0x34 else 11
        for i in np.flatnonzero(kept):
            report = matrix[i, :width].tobytes()
            if corrupt[i]:
                report = corrupt_report(self._rng, report)
                self.data_reports_corrupted += 1
            self._pending.append((float(t[i]), report))
            self.data_reports_sent += 1

    def _button_changes(self, t0: float, t1: float) -> None:
        """In DRM 0x30 (not continuous) the board reports only when the button changes."""
        edges = sorted({e for s in self.button_presses_s for e in (s, s + _BUTTON_HOLD_S) if t0 <= e < t1})
        for edge in edges:
            held = bool(self.button_at(np.array([edge]))[0])
            if held != self._last_button:
                self._last_button = held
                self._pending.append((edge, bytes((0x30, 0x00, p.BUTTON_MASK if held else 0x00))))

    def cell_kg(self, t: np.ndarray) -> np.ndarray:
        """True load per sensor (TR, BR, TL, BL) at times ``t``, kg, zero offset included."""
        t = np.asarray(t, dtype=np.float64)
        kg = np.zeros((t.size, 4))
        if self.subject is not None:
            on = t >= self.step_on_s
            if np.any(on):
                own = t[on] - self.step_on_s + self.subject_time_at_step_on_s  # the subject's own time runs while on
                truth = self.subject.sample(own)
                self.subject_time_s = float(own[-1])
                if self.truth_log is not None:
                    self.truth_log.append((t[on], truth))
                if self.foot is None:
                    fz, u = truth.fz_n, truth.cop_x_mm / _HALF_WIDTH_MM
                else:  # one foot, centred medio-laterally on this board (two-board set-up)
                    fz = truth.left_n if self.foot == "left" else truth.right_n
                    u = np.zeros_like(fz)
                v = truth.cop_y_mm / _HALF_DEPTH_MM
                if self.reversed_subject:  # the subject faces the power button: board frame rotated 180°
                    u, v = -u, -v
                kg[on] = corner_loads_kg(fz / STANDARD_GRAVITY_M_S2 / 4.0, u, v)
        return kg + self.zero_offset_kg

    def kg_to_counts(self, kg: np.ndarray) -> np.ndarray:
        """Inverse of the two-segment conversion (float counts, no noise)."""
        return kg_to_counts(kg, self.calibration)

    def _data_matrix(self, t: np.ndarray) -> np.ndarray:
        n = t.size
        m = np.zeros((n, 22), dtype=np.uint8)
        m[:, 0] = self.drm
        m[:, 2] = np.where(self.button_at(t), p.BUTTON_MASK, 0)
        if not self.ext_initialised:
            m[:, 3:] = 0xFF
            return m
        counts = self.kg_to_counts(self.cell_kg(t)) + self._rng.normal(0.0, self.noise_counts, (n, 4))
        raw = np.clip(np.rint(counts), 0, 0xFFFF).astype(np.uint16)
        m[:, 3:11] = raw.astype(">u2").view(np.uint8).reshape(n, 8)
        m[:, 11] = self.reference_temperature
        ext_battery, _ = self.battery_bytes(float(t[0]))
        m[:, 13] = ext_battery
        return m
