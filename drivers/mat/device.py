"""Pressure mats as devices: the DO-P4864 on a serial port ("mat") and its simulator on a pty ("sim-mat").

A mat yields :class:`~drivers.model.SampleBlock` objects with one sample per frame:

* ``frames`` (n, rows, cols) uint8: the raw cell values, exactly as received;
* ``forces_n`` (n, rows·cols) float32: each cell's calibrated force in N, one channel per cell in
  row-major order (channel ``r07c12`` is row 7, column 12) at the cell's centre (x + right, y forward,
  origin at the mat centre, subject facing row 0). Channels are plain load cells, so the standing
  pipeline computes the exact pressure-weighted COP and the left/right split at the mat's midline;
  per-foot loading from foot segmentation comes from :mod:`analysis.pressure_feet` on the same forces;
* ``t_s`` on the host arrival clock (the mat has no clock) and ``seq`` counting frames the mat sent,
  with gaps where frames were lost as judged from arrival timing
  (:class:`~drivers.mat.protocol.ArrivalTimer`).

Calibration: ``linear`` (``newton_per_count`` × (value − ``zero_counts``)) or ``do-p4864-candidate``,
the per-point curve published for the DO-P4864 (``RGu0/feet-force-plate``
``docs/hardware/device-specifications/do-p4864/README.md``: V = code/255·4.096 V, logistic-domain
two-slope curve fitted to 4.5-8 kg masses; screening grade, −18.6 % on a single foot), applied as a
256-entry table.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import numpy as np

from drivers.device import Device, FoundDevice
from drivers.mat.footprints import SIM_NEWTON_PER_COUNT
from drivers.mat.protocol import DO_P4864, ArrivalTimer, ChecksumPolicy, FrameFormat, FrameParser
from drivers.mat.transport import SerialTransport, list_candidate_ports
from drivers.model import ClockSource, DeviceInfo, SampleBlock
from drivers.options import SIMULATED_SUBJECT_OPTIONS, choice, parse_bool, parse_choice
from drivers.sim.subject import StandingSubject

__all__ = ["PressureMat", "SimulatedPressureMat", "do_p4864_candidate_table"]

_CALIBRATIONS = ("linear", "do-p4864-candidate")


def do_p4864_candidate_table(zero_counts: float = 0.0) -> np.ndarray:
    """Force per cell in N for each raw value 0-255 by the DO-P4864 candidate per-point curve.

    ``V = code/255 × 4.096``, ``ΔV = max(V − V0, 0)``, ``u = ln(ΔV / (4.096 − ΔV))``,
    ``F = exp(−0.416054290108397 + e^−2.057009203457983·min(u, −0.6755514186685658)
    + e^−0.5532326211611178·max(u + 0.6755514186685658, 0))``; ``ΔV = 0`` gives 0 N. Code 255 is the
    saturated domain (``ΔV = 4.096 V``): it gets the value of code 254 instead of infinity.
    """
    if not 0 <= zero_counts < 255:
        raise ValueError(f"zero_counts must be within 0-254, got {zero_counts}")
    full = 4.096
    dv = np.maximum(np.arange(256) / 255.0 * full - zero_counts / 255.0 * full, 0.0)
    table = np.zeros(256)
    ok = (dv > 0) & (dv < full)
    u = np.log(dv[ok] / (full - dv[ok]))
    knee = -0.6755514186685658
    table[ok] = np.exp(-0.416054290108397 + math.exp(-2.057009203457983) * np.minimum(u, knee)
                       + math.exp(-0.5532326211611178) * np.maximum(u - knee, 0.0))
    table[255] = table[254]
    return table


def _cell_geometry(fmt: FrameFormat) -> tuple[tuple[str, ...], tuple[tuple[float, float], ...]]:
    names = tuple(f"r{r:02d}c{c:02d}" for r in range(fmt.rows) for c in range(fmt.cols))
    x = (np.arange(fmt.cols) - (fmt.cols - 1) / 2.0) * fmt.pitch_mm
    y = ((fmt.rows - 1) / 2.0 - np.arange(fmt.rows)) * fmt.pitch_mm
    positions = tuple((float(x[c]), float(y[r])) for r in range(fmt.rows) for c in range(fmt.cols))
    return names, positions


class PressureMat(Device):
    """A DO-P4864 48 × 64 pressure mat on a USB serial port.

    Parameters
    ----------
    address : str
        Serial port (e.g. ``/dev/ttyUSB0``).
    checksum : {"observe", "require"}
        The documented checksum mismatched every frame of a real DO-P4864, so it is observed by default.
    calibration : {"do-p4864-candidate", "linear"}
    newton_per_count : float
        Linear calibration factor, N per count.
    zero_counts : float
        Unloaded reading, counts (from an empty-mat recording).
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        "checksum": (ChecksumPolicy, "frame checksum: observe (count mismatches) or require (reject)"),
        "calibration": (choice(*_CALIBRATIONS, name="calibration"), "cell calibration: do-p4864-candidate or linear"),
        "newton_per_count": (float, "linear calibration, N per count"),
        "zero_counts": (float, "unloaded cell reading, counts"),
    }
    DRIVER = "mat"

    def __init__(
        self,
        address: str = "",
        *,
        checksum: ChecksumPolicy | str = ChecksumPolicy.OBSERVE,
        calibration: Literal["linear", "do-p4864-candidate"] = "do-p4864-candidate",
        newton_per_count: float | None = None,
        zero_counts: float = 0.0,
        fmt: FrameFormat = DO_P4864,
        time_scale: float = 1.0,
    ) -> None:
        super().__init__()
        calibration = parse_choice(calibration, _CALIBRATIONS, "calibration")  # type: ignore[assignment]
        if calibration == "linear" and newton_per_count is None:
            raise ValueError("the linear calibration needs newton_per_count (N per count) for this mat")
        if newton_per_count is not None and not newton_per_count > 0:
            raise ValueError(f"newton_per_count must be > 0, got {newton_per_count}")
        self.address = address
        self.fmt = fmt
        self.checksum = ChecksumPolicy(checksum)
        self.calibration = calibration
        self.newton_per_count = newton_per_count
        self.zero_counts = float(zero_counts)
        if calibration == "linear":
            counts = np.arange(256, dtype=np.float64)
            self._table = np.maximum(counts - self.zero_counts, 0.0) * float(newton_per_count)  # type: ignore[arg-type]
        else:
            self._table = do_p4864_candidate_table(self.zero_counts)
        self._table32 = self._table.astype(np.float32)
        self.time_scale = float(time_scale)
        self.parser = FrameParser(fmt, self.checksum)
        self._transport: SerialTransport | None = None
        names, positions = _cell_geometry(fmt)
        self._info = DeviceInfo(
            driver=self.DRIVER,
            model=f"{fmt.name} pressure mat ({fmt.rows} x {fmt.cols} cells, {fmt.pitch_mm} mm; "
                  f"calibration {calibration})",
            serial="",
            nominal_rate_hz=fmt.nominal_rate_hz,
            channel_names=names,
            channel_units=("N",) * len(names),
            sensor_positions_mm=positions,
            surface_size_mm=(fmt.cols * fmt.pitch_mm, fmt.rows * fmt.pitch_mm),
            clock=ClockSource.HOST_ARRIVAL,
            raw_counts=False,
            simulated=False,
            frame_shape=(fmt.rows, fmt.cols),
            cell_pitch_mm=fmt.pitch_mm,
        )
        self._reset_counters()

    def _reset_counters(self) -> None:
        self._next_seq = 0
        self._last_t: float | None = None
        self._timer = ArrivalTimer(self.fmt.frame_interval_s)
        self._origin = 0.0
        self.lost_frames = 0  # frames judged lost from timing, since open

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, port, f"pressure mat? {desc}") for port, desc in list_candidate_ports()]

    @property
    def info(self) -> DeviceInfo:
        return self._info

    def calibrate(self, counts: np.ndarray) -> np.ndarray:
        """Cell forces in N (float32, same shape) from raw cell values by this mat's calibration."""
        return self._table32[np.asarray(counts)]

    def _now(self) -> float:
        assert self._transport is not None
        return (self._transport.now() - self._origin) * self.time_scale

    # -- Device hooks ------------------------------------------------------------------------------

    def _open(self) -> None:
        self._reset_counters()
        self._transport = SerialTransport(self.address, self.fmt.baudrate)
        self._transport.open()
        self._origin = self._transport.now()

    def _start(self) -> None:
        assert self._transport is not None
        self._transport.flush_input()
        self.parser.reset()
        self._timer.reset()  # a pause is not a loss

    def _read(self, timeout_s: float) -> SampleBlock | None:
        transport = self._transport
        assert transport is not None
        deadline = transport.now() + timeout_s
        while True:
            data = transport.read(max(deadline - transport.now(), 0.0))
            if data:
                arrival = self._now()
                parsed = self.parser.feed(data)
                if parsed:
                    return self._block(parsed, arrival, transport.now())
            if transport.now() >= deadline:
                return None

    def _block(self, parsed: list, arrival_s: float, host_rx_s: float) -> SampleBlock:
        m = len(parsed)
        interval = self.fmt.frame_interval_s
        lost = self._timer.update(arrival_s, m)
        self.lost_frames += lost
        seq = self._next_seq + lost + np.arange(m, dtype=np.uint64)
        self._next_seq = int(seq[-1]) + 1
        # Frames completed by one read were buffered: the last arrived now, the others one interval apart.
        t = arrival_s - (m - 1 - np.arange(m)) * interval
        last = self._last_t
        if last is not None and t[0] <= last:
            # A burst after a host stall reaches back past the previous frame: spread the burst evenly
            # between that frame and now, so times stay strictly increasing (analysis requires it).
            end = max(arrival_s, last + 1e-6 * m)
            t = last + (end - last) * np.arange(1, m + 1) / m
        self._last_t = float(t[-1])
        frames = np.stack([p.cells for p in parsed])
        forces = self._table32[frames].reshape(m, -1)
        return SampleBlock(t_s=t, seq=seq, forces_n=forces, host_rx_s=host_rx_s, frames=frames)

    def _stop(self) -> None:
        pass  # the mat streams regardless; start() drops what arrived meanwhile

    def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None



class SimulatedPressureMat(PressureMat):
    """A simulated DO-P4864 on a pseudo-terminal, read through the real serial driver.

    The simulated mat uses the linear calibration ``SIM_NEWTON_PER_COUNT`` N per count and sends the
    documented checksum, so frames are checked with ``require``.
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **SIMULATED_SUBJECT_OPTIONS,
        "stance_width_mm": (float, "distance between the feet's centres of pressure, mm (touching: ~100)"),
        "seed": (int, "random seed"),
        "speed": (float, "simulated seconds per wall-clock second (1 = real pace)"),
        "drop": (float, "probability that a frame is lost, 0-1"),
        "corrupt": (float, "probability that a frame has a flipped bit, 0-1"),
        "noise": (float, "probability of junk bytes before a frame, 0-1"),
        "noise_counts": (float, "sensor noise on loaded cells, counts"),
        "keep_history": (parse_bool, "keep every simulated frame and its truth (tests)"),
    }
    DRIVER = "sim-mat"

    def __init__(
        self,
        address: str = "",
        *,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        affected_share_pct: float = 42.0,
        stance_width_mm: float = 200.0,
        seed: int = 0,
        speed: float = 1.0,
        drop: float = 0.0,
        corrupt: float = 0.0,
        noise: float = 0.0,
        noise_counts: float = 0.0,
        keep_history: bool = False,
    ) -> None:
        if address:
            raise ValueError("the simulated mat makes its own pseudo-terminal; give no address")
        super().__init__("", checksum=ChecksumPolicy.REQUIRE, calibration="linear",
                         newton_per_count=SIM_NEWTON_PER_COUNT, time_scale=speed)
        self._sim_args = {"speed": speed, "drop": drop, "corrupt": corrupt, "noise": noise, "seed": seed,
                          "keep_history": keep_history}
        self._subject_args = {"mass_kg": mass_kg, "affected_side": affected_side,
                              "affected_share_pct": affected_share_pct, "stance_width_mm": stance_width_mm,
                              "seed": seed}
        self._noise_counts = noise_counts
        self._make_scene()  # validates the subject now; rebuilt at every open (the same person again)
        self.simulator: Any = None  # a drivers.mat.simulator.MatSimulator while open
        self._info = dataclasses.replace(self._info, driver=self.DRIVER, model=f"Simulated {self._info.model}",
                                         serial=f"SIM-MAT-{seed:06d}", simulated=True)

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, "", "simulated DO-P4864 pressure mat, 48 x 64 cells, 20.7 Hz, over a pty")]

    def _make_scene(self) -> None:
        from drivers.mat.simulator import StandingScene  # POSIX only (pty): imported when simulating

        subject = StandingSubject(**self._subject_args)  # type: ignore[arg-type]
        self.scene = StandingScene(subject, noise_counts=self._noise_counts, seed=subject.seed)

    def _open(self) -> None:
        from drivers.mat.simulator import MatSimulator

        self._make_scene()
        self.simulator = MatSimulator(self.scene, self.fmt, **self._sim_args)  # type: ignore[arg-type]
        self.address = self.simulator.port
        try:
            super()._open()
            self.simulator.start()  # a mat streams from power-on
        except BaseException:
            self.simulator.close()
            self.simulator = None
            raise

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            if self.simulator is not None:
                self.simulator.close()
                self.simulator = None
