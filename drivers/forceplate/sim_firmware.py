"""The simulated OFP-1 plate's firmware: sampling, frames, tare, EP0 answers (no USB, no I/O).

:class:`PlateModel` is what a plate's microcontroller does: it converts on its crystal's clock
(``clock_ppm`` sets how fast that runs against the host), batches samples into OFP-1 frames
(``docs/ofp-1.md`` §4), sends a status frame every second, averages samples for TARE and answers
GET_INFO / GET_STATUS. The subject's forces come from a
:class:`~drivers.sim.subject.StandingSubject` (or anything with its ``sample(t)``), spread over 4
load cells by the bilinear rule or turned into Fx..Mz of a six-component plate (M = r × F about the
sensor centre). :mod:`drivers.forceplate.usb_sim` puts it behind a pyusb backend.
"""

from __future__ import annotations

import numpy as np

from drivers.forceplate import protocol
from drivers.forceplate.calibration import Calibration, Layout
from drivers.forceplate.requests import DeviceInfoReply, StatusReply, encode_status
from drivers.sim.subject import StandingSubject

__all__ = [
    "FRAMES_PER_S",
    "LOAD_CELL_POSITIONS_MM",
    "SIX_AZ_M",
    "SIX_SHEAR_N",
    "SUPPORTED_RATES_HZ",
    "SURFACE_MM",
    "PlateModel",
    "load_cell_calibration",
    "six_component_calibration",
]

SUPPORTED_RATES_HZ = (1000, 2000)
FRAMES_PER_S = 100
#: Load-cell positions of the simulated plate, mm (x right, y forward), channel order FR, BR, FL, BL.
LOAD_CELL_POSITIONS_MM = ((200.0, 150.0), (200.0, -150.0), (-200.0, 150.0), (-200.0, -150.0))
SURFACE_MM = (500.0, 400.0)
SIX_SHEAR_N = (3.0, -4.0)  # constant horizontal reaction of the simulated six-component plate, N
SIX_AZ_M = 0.0390625  # sensor centre 39 mm below the top (exactly representable in float32)


def load_cell_calibration() -> Calibration:
    """The simulated 4-cell plate's factory calibration (1/64 N per count, exact in float32)."""
    return Calibration(
        offsets=np.array([81234, -40211, 15000, 2201]), matrix=np.diag([1 / 64] * 4), layout=Layout.LOAD_CELLS,
        reference_temperature_c=22.5, date_yyyymmdd=20261125, load_range_n=4000.0, serial_number=1,
        certificate="SIM-LC-0001",
    )


def six_component_calibration() -> Calibration:
    """The simulated six-component plate's calibration: gains plus a little cross-talk (all exact in float32)."""
    c = np.diag([1 / 16, 1 / 16, 1 / 8, 1 / 1024, 1 / 1024, 1 / 2048])
    c[0, 2] = 1 / 4096  # Fz leaks into the Fx bridge
    c[3, 4] = -1 / 65536
    return Calibration(
        offsets=np.array([120, -340, 5000, 77, -12, 3]), matrix=c, layout=Layout.SIX_COMPONENT,
        reference_temperature_c=22.5, date_yyyymmdd=20261125, load_range_n=5000.0, az_m=SIX_AZ_M, serial_number=2,
        certificate="SIM-6C-0002",
    )


class PlateModel:
    """The plate's firmware state: what it samples, streams and answers on EP0.

    Parameters
    ----------
    layout : Layout
        4 load cells or a 6-channel Fx..Mz plate.
    subject : StandingSubject or None
        Who stands on the plate (None: empty).
    rate_hz : int
        1000 or 2000.
    seed : int
        Sensor noise seed.
    first_index : int
        Sample index at boot (u32; set near 2**32 to exercise the wrap).
    boot_s : float
        Clock time at which the plate was plugged in.
    """

    def __init__(self, layout: Layout, subject: StandingSubject | None, rate_hz: int = 1000, *, seed: int = 0,
                 first_index: int = 0, boot_s: float = 0.0, serial: str = "OFP1-SIM-0001",
                 clock_ppm: float = 0.0) -> None:
        if rate_hz not in SUPPORTED_RATES_HZ:
            raise ValueError(f"the simulated plate runs at {SUPPORTED_RATES_HZ} Hz, got {rate_hz}")
        self.layout = Layout(layout)
        self.calibration = load_cell_calibration() if self.layout == Layout.LOAD_CELLS else six_component_calibration()
        #: The bridges' true response (what the counts are made of); SET_CALIBRATION does not change it.
        self.physics = self.calibration
        self.k = self.calibration.n_channels
        self.subject = subject
        self.occupied = subject is not None
        self.rate_hz = rate_hz
        self.serial = serial
        self.boot_s = boot_s
        #: The plate's crystal runs fast by this many parts per million of the host clock.
        self.clock_ppm = float(clock_ppm)
        self._speed = 1.0 + self.clock_ppm * 1e-6
        self.rng = np.random.default_rng([seed, 7])
        # Zero drift since the factory calibration: what TARE removes.
        self.drift_counts = np.array([137, -88, 45, -31, 12, -7][: self.k], dtype=np.int64)
        self.noise_counts = 1.5
        self.streaming = False
        self.frame_counter = 0
        self.sample_index = first_index % (1 << 32)  # u32 index of the next sample to stream
        self.samples_taken = 0  # since START, to time samples
        self.stream_t0_s = 0.0  # clock time of the first sample after START
        self.next_status_s = 0.0
        self.tare = np.zeros(self.k, dtype=np.int64)
        self.tare_pending = 0  # samples still to average
        self.tare_acc = np.zeros(self.k, dtype=np.float64)
        self.tare_n = 0
        self.overrun_pending = False
        self.dropped_total = 0

    # -- clocks --------------------------------------------------------------------------------------

    def device_us(self, now_s: float) -> int:
        return round((now_s - self.boot_s) * self._speed * 1e6)

    @property
    def samples_per_frame(self) -> int:
        return self.rate_hz // FRAMES_PER_S

    # -- EP0 -------------------------------------------------------------------------------------------

    def info(self) -> DeviceInfoReply:
        positions = LOAD_CELL_POSITIONS_MM if self.layout == Layout.LOAD_CELLS else ((0.0, 0.0),) * 6
        return DeviceInfoReply(
            protocol_version=1, firmware_version=0x0103, model_id=0x0001 if self.layout == Layout.LOAD_CELLS else 2,
            n_channels=self.k, adc_bits=24, layout=self.layout, rate_hz=self.rate_hz, surface_size_mm=SURFACE_MM,
            origin_offset_mm=(0.0, 0.0, -SIX_AZ_M * 1000 if self.layout == Layout.SIX_COMPONENT else 0.0),
            supported_rates_hz=SUPPORTED_RATES_HZ, channel_positions_mm=positions,
        )

    def status(self, now_s: float) -> StatusReply:
        flags = protocol.FrameFlags.TARE_IN_PROGRESS if self.tare_pending else 0
        return StatusReply(int(self.streaming), int(flags), self.dropped_total, self.device_us(now_s), 23.0,
                           tuple(int(v) for v in self.tare))

    # -- sampling --------------------------------------------------------------------------------------

    def _counts(self, t_clock_s: np.ndarray) -> np.ndarray:
        """Raw counts (n, k) at clock times (s; the subject lives on the clock, not on the plate's boot time)."""
        n = t_clock_s.size
        cal = self.physics
        if self.subject is not None and self.occupied:
            truth = self.subject.sample(t_clock_s)
            fz = truth.fz_n
            if self.layout == Layout.LOAD_CELLS:
                a, b = LOAD_CELL_POSITIONS_MM[0]
                u, v = truth.cop_x_mm / a, truth.cop_y_mm / b
                q = fz / 4.0
                forces = np.column_stack([q * (1 + u) * (1 + v), q * (1 + u) * (1 - v),
                                          q * (1 - u) * (1 + v), q * (1 - u) * (1 - v)])
            else:
                # A small constant shear; moments of the reaction force about the sensor centre, which lies
                # SIX_AZ_M below the surface: M = r × F with r = (COPx, COPy, az) (m, N·m; O11).
                fx, fy = np.full(n, SIX_SHEAR_N[0]), np.full(n, SIX_SHEAR_N[1])
                x, y = truth.cop_x_mm / 1000, truth.cop_y_mm / 1000
                az = SIX_AZ_M
                forces = np.column_stack([fx, fy, fz, y * fz - az * fy, az * fx - x * fz, x * fy - y * fx])
        else:
            if self.subject is not None:
                self.subject.sample(t_clock_s)  # keep the subject's clock moving while they stand aside
            forces = np.zeros((n, self.k))
        net = np.linalg.solve(cal.matrix.astype(np.float64), forces.T).T
        noise = self.rng.normal(0.0, self.noise_counts, net.shape)
        return np.rint(net + noise + cal.offsets + self.drift_counts).astype(np.int64)

    def frames_until(self, now_s: float) -> list[tuple[int, int, bytes]]:
        """Frames completed by clock time ``now_s``: (frame type, n_samples, bytes), in order."""
        out: list[tuple[int, int, bytes]] = []
        if not self.streaming:
            return out
        spf = self.samples_per_frame
        period = 1.0 / (self.rate_hz * self._speed)  # the crystal paces the conversions
        done = int(np.floor((now_s - self.stream_t0_s) / period + 1e-9)) + 1  # samples converted so far
        n_frames = (done - self.samples_taken) // spf
        if n_frames > 0:
            k_idx = self.samples_taken + np.arange(n_frames * spf)
            t_clock = self.stream_t0_s + k_idx * period
            counts = self._counts(t_clock)
            self._tare_feed(counts)
            counts32 = counts.astype(np.int32).reshape(n_frames, spf, self.k)
            for j in range(n_frames):
                t0_us = self.device_us(float(t_clock[j * spf]))
                flags = protocol.FrameFlags.TARE_IN_PROGRESS if self.tare_pending else 0
                frame = protocol.encode_frame(counts32[j], counter=self.frame_counter, first_index=self.sample_index,
                                              t0_us=t0_us, flags=int(flags))
                out.append((protocol.FrameType.SAMPLES, spf, frame))
                self.frame_counter = (self.frame_counter + 1) % (1 << 32)
                self.sample_index = (self.sample_index + spf) % (1 << 32)
            self.samples_taken += n_frames * spf
        while self.next_status_s <= now_s:
            payload = encode_status(self.status(self.next_status_s))
            frame = protocol.encode_frame(counter=self.frame_counter, frame_type=protocol.FrameType.STATUS,
                                          payload=payload, t0_us=self.device_us(self.next_status_s))
            out.append((protocol.FrameType.STATUS, 0, frame))
            self.frame_counter = (self.frame_counter + 1) % (1 << 32)
            self.next_status_s += 1.0
        return out

    def _tare_feed(self, counts: np.ndarray) -> None:
        if not self.tare_pending:
            return
        take = counts[: self.tare_pending]
        self.tare_acc += take.sum(axis=0)
        self.tare_n += take.shape[0]
        self.tare_pending -= take.shape[0]
        if self.tare_pending == 0:
            mean = self.tare_acc / self.tare_n
            self.tare = np.rint(mean - self.calibration.offsets).astype(np.int64)

    def start(self, now_s: float) -> None:
        if not self.streaming:
            self.streaming = True
            self.samples_taken = 0
            self.stream_t0_s = now_s
            self.next_status_s = now_s + 1.0

    def next_frame_due_s(self) -> float:
        spf = self.samples_per_frame
        return self.stream_t0_s + (self.samples_taken + spf - 1) / (self.rate_hz * self._speed)

    def start_tare(self, n: int, now_s: float) -> None:
        self.tare_pending = n
        self.tare_acc[:] = 0
        self.tare_n = 0
        if not self.streaming:
            # The ADC runs while idle too: average the next n conversions at once.
            t = now_s + np.arange(n) / self.rate_hz
            if self.subject is not None and self.occupied:
                self.subject.sample(t)  # advance the subject's clock consistently
            saved, self.subject = self.subject, (self.subject if self.occupied else None)
            try:
                self._tare_feed(self._counts(t))
            finally:
                self.subject = saved
