"""A simulated home patient on a simulated board: performs one set of a prescribed exercise.

:class:`HomeSetSubject` is a :class:`~drivers.sim.subject.StandingSubject` (its seeded sway and vertical force
fluctuation) that also moves: it shifts load onto the affected limb and holds, squats, rises from a chair,
steps up onto the board or marches on the spot, with a known number of complete repetitions, optional half
repetitions, a pause, and a spell off the board. Tests compare detected repetitions with this truth
(:attr:`HomeSetSubject.rep_starts_s`).

:class:`SimulatedHomeBoard` (driver ``sim-home``) is the byte-exact simulated Wii board
(:class:`~drivers.wii.sim_device.SimulatedWiiBalanceBoard`, ``sim``) carrying such a subject;
:meth:`SimulatedHomeBoard.prepare_set` switches exercise between sets (the guided session calls it). The
patient over weeks (which days a session is done, how many repetitions, pain before/after/next day, a gradual
improvement of the affected-limb share) is :class:`~drivers.sim.home_course.HomePatientCourse`.

Movement model (units N, mm, s; affected share in % of the load on the board):

* hold exercises: each repetition ramps (1 s, raised cosine) from the habitual share to the share reached
  when trying, holds ``hold_s + 0.5`` s, ramps back (1 s) and rests 1 s; a half repetition holds half.
* mini-squat: the centre of mass follows z(τ) = −D/2·(1 − cos 2πτ/T) over T = ``squat_period_s`` (3 s;
  D = ``squat_depth_mm``), so Fz = W + m·z''(τ); 0.8 s standing between squats; a half squat goes to 0.3·D.
* sit-to-stand: seated feet carry ``seated_pct`` of the weight; rise 1 s, stand 1.5 s, sit 1 s, seated 1.3 s.
* step-up: off the board 1 s; the affected foot lands (0.6 s ramp to full weight on it), the other follows
  (0.4 s), stand 1.4 s, step down (0.6 s) — 4.8 s per repetition. A half step-up reaches 50 % of the weight.
* stepping in place: per repetition 0.6 s on the affected limb alone, 0.3 s on both, 0.6 s on the unaffected
  limb alone, 0.3 s on both (1.8 s). A half step only unloads the other foot to 20 %.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import numpy as np

from drivers.device import FoundDevice
from drivers.options import SIMULATED_BOARD_SUBJECT_OPTIONS, SIMULATED_SUBJECT_OPTIONS
from drivers.sim.clock import SimClock
from drivers.sim.scaled_clock import ScaledClock
from drivers.sim.subject import StandingSubject, SubjectTruth
from drivers.wii.sim_device import SimulatedWiiBalanceBoard

__all__ = ["EXERCISE_MOTIONS", "HomeSetSubject", "SimulatedHomeBoard"]

#: Exercise key -> motion the simulated patient performs.
EXERCISE_MOTIONS: dict[str, str] = {
    "stance-eyes-open": "stance",
    "stance-eyes-closed": "stance",
    "stance-foam": "stance",
    "weight-shift": "shift",
    "single-leg-affected": "single-leg",
    "mini-squat": "squat",
    "sit-to-stand": "sit-to-stand",
    "step-up-affected": "step-up",
    "stepping-in-place": "stepping",
}
LEAD_IN_S = 2.0
_CYCLE_S = {"squat": 3.8, "sit-to-stand": 4.8, "step-up": 4.8, "stepping": 1.8}
_HOLD_EXTRA_S = 3.5
#: Slow vertical-force fluctuation in quiet stance, % BW RMS. Physically consistent with ~1-2 mm of vertical
#: centre-of-mass sway at the sway band (Fz = m(g + z''): 1 mm at 0.3 Hz is 0.04 % BW); StandingSubject's
#: 0.3 % default at 0.35 Hz would mean ~8 mm of vertical sway, which a double integration (squats) turns
#: into false squats.
_FZ_FLUCT_PCT = 0.05  # ramp in 1 s + 0.5 s past the hold + ramp out 1 s + rest 1 s


def _ramp(x: np.ndarray) -> np.ndarray:
    """Raised-cosine ramp 0 -> 1 over x in [0, 1] (clipped outside)."""
    c = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * c)


class HomeSetSubject(StandingSubject):
    """A patient doing one set of one exercise on the board (see the module docstring).

    Parameters
    ----------
    exercise : str
        Library key (:data:`EXERCISE_MOTIONS`).
    reps : int
        Complete repetitions performed.
    hold_s : float
        Hold time of hold exercises, s.
    affected_share_pct : float
        Habitual share of the load on the affected limb, %.
    reached_pct : float, optional
        Share reached on the affected limb when trying (holds, squats), %. Default: stance 50, weight shift
        68, single-leg 100, squats/rises ``affected_share_pct + 4``.
    half_reps : int
        Half repetitions added after the complete ones (ends with them).
    pause_after : int or None
        Pause ``pause_s`` after this many repetitions.
    step_off_at_s : float or None
        Step off the board for ``step_off_s`` at this time, s (the repetition then under way is broken).
    squat_depth_mm, squat_period_s, seated_pct : float
        Squat depth (mm), duration of one squat (s), and the share of body weight on the feet when seated (%).
    noise : float
        Multiplier of the sway (1 = StandingSubject's defaults) and of the vertical-force fluctuation
        (1 = 0.05 % BW RMS, see ``_FZ_FLUCT_PCT``).
    """

    def __init__(
        self,
        exercise: str = "stance-eyes-open",
        *,
        reps: int = 5,
        hold_s: float = 5.0,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        affected_share_pct: float = 42.0,
        reached_pct: float | None = None,
        half_reps: int = 0,
        pause_after: int | None = None,
        pause_s: float = 5.0,
        step_off_at_s: float | None = None,
        step_off_s: float = 2.0,
        squat_depth_mm: float = 90.0,
        squat_period_s: float = 3.0,
        seated_pct: float = 25.0,
        noise: float = 1.0,
        seed: int = 0,
    ) -> None:
        if exercise not in EXERCISE_MOTIONS:
            raise ValueError(f"unknown exercise {exercise!r}; known: {', '.join(EXERCISE_MOTIONS)}")
        if reps < 0 or half_reps < 0:
            raise ValueError(f"reps and half_reps must be >= 0, got {reps}, {half_reps}")
        if not noise >= 0:
            raise ValueError(f"noise must be >= 0, got {noise}")
        super().__init__(mass_kg=mass_kg, affected_side=affected_side, affected_share_pct=affected_share_pct,
                         sway_rms_ml_mm=3.0 * noise, sway_rms_ap_mm=4.5 * noise,
                         fz_fluctuation_pct=_FZ_FLUCT_PCT * noise, seed=seed)
        self.exercise = exercise
        self.motion = EXERCISE_MOTIONS[exercise]
        self.reps = int(reps)
        self.half_reps = int(half_reps)
        self.hold_s = float(hold_s)
        if self.motion in ("stance", "shift", "single-leg") and not self.hold_s > 0:
            raise ValueError(f"{exercise} is a hold: hold_s must be > 0, got {hold_s}")
        default_reached = {"stance": 50.0, "shift": 68.0, "single-leg": 100.0}.get(self.motion,
                                                                                  affected_share_pct + 4.0)
        self.reached_pct = float(default_reached if reached_pct is None else reached_pct)
        self.pause_after = pause_after
        self.pause_s = float(pause_s)
        self.step_off_at_s = step_off_at_s
        self.step_off_s = float(step_off_s)
        self.squat_depth_mm = float(squat_depth_mm)
        if not 1.0 <= squat_period_s <= 10.0:
            raise ValueError(f"squat_period_s must be within 1-10 s, got {squat_period_s}")
        self.squat_period_s = float(squat_period_s)
        self.seated_pct = float(seated_pct)
        cycle = _CYCLE_S.get(self.motion, self.hold_s + _HOLD_EXTRA_S)
        if self.motion == "squat":
            cycle = self.squat_period_s + 0.8
        n = self.reps + self.half_reps
        starts = LEAD_IN_S + cycle * np.arange(n)
        if pause_after is not None:
            starts = starts + np.where(np.arange(n) >= pause_after, self.pause_s, 0.0)
        self.cycle_s = cycle
        self.rep_starts_s = starts
        self.rep_scale = np.concatenate([np.ones(self.reps), np.full(self.half_reps, 0.5)])
        self.end_s = float(starts[-1] + cycle) if n else LEAD_IN_S

    @property
    def duration_s(self) -> float:
        """Time by which the last repetition is over, s."""
        return self.end_s

    def _phase(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per sample: repetition index (-1 before the first), time since its start (s), its scale."""
        if self.rep_starts_s.size == 0:  # a set the patient skipped: standing (or sitting) still
            none = np.full(t.shape, -1)
            return none, none.astype(float), np.zeros(t.shape)
        idx = np.searchsorted(self.rep_starts_s, t, side="right") - 1
        valid = idx >= 0
        tau = np.where(valid, t - self.rep_starts_s[np.maximum(idx, 0)], -1.0)
        scale = np.where(valid, self.rep_scale[np.maximum(idx, 0)], 0.0)
        inside = valid & (tau < self.cycle_s)
        return np.where(inside, idx, -1), np.where(inside, tau, -1.0), np.where(inside, scale, 0.0)

    def sample(self, t_s: np.ndarray) -> SubjectTruth:
        base = super().sample(t_s)
        t = base.t_s
        if t.size == 0:
            return base
        w = self.weight_n
        fluct = base.fz_n / w  # 1 + fluctuation
        sway_share = (base.right_n / np.where(base.fz_n > 0, base.fz_n, 1.0)) - self.right_share_mean
        idx, tau, scale = self._phase(t)
        active = idx >= 0
        habitual = self.affected_share_pct / 100.0
        share = np.full(t.shape, habitual)  # affected share of the load on the board
        load = np.ones_like(t)  # load on the board / body weight (before the fluctuation)
        m = self.mass_kg
        if self.motion in ("stance", "shift", "single-leg"):
            hold = self.hold_s * scale + 0.5
            up = _ramp(tau) * (tau < 1.0 + hold) + ((tau >= 1.0 + hold) & (tau < 2.0 + hold)) * (
                1.0 - _ramp(tau - 1.0 - hold))
            up = np.where(active, up, 0.0)
            share = habitual + (self.reached_pct / 100.0 - habitual) * up
        elif self.motion == "squat":
            period = self.squat_period_s
            in_squat = active & (tau < period)
            depth_m = self.squat_depth_mm / 1000.0 * np.where(scale < 1, 0.3, 1.0)
            acc = -depth_m / 2 * (2 * np.pi / period) ** 2 * np.cos(2 * np.pi * tau / period)
            load = 1.0 + np.where(in_squat, acc, 0.0) * m / w
            down = np.where(in_squat, 0.5 - 0.5 * np.cos(2 * np.pi * tau / period), 0.0)
            share = habitual + (self.reached_pct / 100.0 - habitual) * down
        elif self.motion == "sit-to-stand":
            seated = self.seated_pct / 100.0
            top = np.where(scale < 1, 0.65, 1.0)
            rise = _ramp(tau) - _ramp(tau - 2.5)
            load = np.where(active, seated + (top - seated) * rise, seated)
            load = load + np.where(active & (tau > 0.3) & (tau < 0.9), 0.1 * np.sin(np.pi * (tau - 0.3) / 0.6), 0.0)
            share = habitual + (self.reached_pct / 100.0 - habitual) * np.where(active, rise, 0.0)
        elif self.motion == "step-up":
            top = np.where(scale < 1, 0.5, 1.0)
            on = _ramp((tau - 1.0) / 0.6) - _ramp((tau - 4.0) / 0.6)
            load = np.where(active, top * on, 0.0)
            # The affected foot lands first and carries everything; the other lands at 1.6-2.0 s and leaves
            # first at 3.6-4.0 s. In a half step-up the other foot never lands.
            other = np.where(scale < 1, 0.0, _ramp((tau - 1.6) / 0.4) - _ramp((tau - 3.6) / 0.4))
            share = np.where(active, 1.0 - (1.0 - habitual) * other, habitual)
        elif self.motion == "stepping":
            lift_low = np.where(scale < 1, 0.2, 0.0)  # the other foot's lowest share in a half step
            aff_alone = _ramp(tau / 0.1) - _ramp((tau - 0.5) / 0.1)  # 0-0.6 s: unaffected foot up
            unaff_alone = _ramp((tau - 0.9) / 0.1) - _ramp((tau - 1.4) / 0.1)  # 0.9-1.5 s: affected foot up
            target_aff = 1.0 - lift_low
            share = np.where(active, habitual + (target_aff - habitual) * aff_alone - habitual * unaff_alone,
                             habitual)
            load = np.where(active, 1.0 + 0.05 * (aff_alone + unaff_alone), 1.0)
        if self.step_off_at_s is not None:
            off = _ramp((t - self.step_off_at_s) / 0.3) - _ramp((t - self.step_off_at_s - self.step_off_s) / 0.3)
            load = load * (1.0 - off)
        share = np.clip(share + sway_share, 0.0, 1.0)
        fz = w * fluct * np.maximum(load, 0.0)
        affected = fz * share
        left, right = (affected, fz - affected) if self.affected_side == "left" else (fz - affected, affected)
        right_share = np.where(fz > 0, right / np.where(fz > 0, fz, 1.0), 0.5)
        cop_x = self.stance_width_mm * (right_share - 0.5)
        return SubjectTruth(t, fz, cop_x, base.cop_y_mm, left, right)


class SimulatedHomeBoard(SimulatedWiiBalanceBoard):
    """Driver ``sim-home``: the byte-exact simulated Wii board (``sim``) with a :class:`HomeSetSubject` doing the set.

    Every ``open()`` tares the empty board (the patient steps off, as on a real board); the patient steps on
    when the recording starts and performs the set from then on (``wait_for_subject_s`` is 0 by default: a
    step-up begins off the board). ``speed`` > 0 paces the reports at that many times real time (1 = real time;
    the console demo uses it); 0 (default) generates them as fast as possible
    (:class:`~drivers.sim.clock.FastClock`).
    """

    DRIVER: ClassVar[str] = "sim-home"
    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **{k: v for k, v in SimulatedWiiBalanceBoard.OPTIONS.items()
           if k not in SIMULATED_BOARD_SUBJECT_OPTIONS and k != "step_on_s"},
        "exercise": (str, "library key of the exercise the simulated patient performs"),
        "reps": (int, "complete repetitions the patient performs in the set"),
        "hold_s": (float, "hold time of hold exercises, s"),
        "half_reps": (int, "half repetitions added after the complete ones"),
        "set_index": (int, "index of the set (varies the random seed)"),
        **SIMULATED_SUBJECT_OPTIONS,
        "reached_pct": (float, "% on the affected limb reached when trying"),
        "compliance": (float, "fraction of the prescribed repetitions performed, 0-1"),
        "improvement_per_session": (float, "%-points of affected-limb share gained per session (up to 50 %)"),
        "session_index": (int, "sessions done before this one (with improvement_per_session)"),
        "pain_before": (float, "pain the simulated patient reports before the session, 0-10"),
        "pain_after": (float, "pain the simulated patient reports after the session, 0-10"),
        "noise": (float, "multiplier of sway and force fluctuation (1 = default)"),
        "seed": (int, "random seed"),
        "speed": (float, "pace samples at this many times real time (0 = as fast as possible)"),
    }

    def __init__(
        self,
        address: str = "",
        *,
        exercise: str = "stance-eyes-open",
        reps: int = 5,
        hold_s: float = 5.0,
        half_reps: int = 0,
        set_index: int = 0,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        affected_share_pct: float = 42.0,
        reached_pct: float | None = None,
        compliance: float = 1.0,
        improvement_per_session: float = 0.0,
        session_index: int = 0,
        pain_before: float = 2.0,
        pain_after: float = 3.0,
        noise: float = 1.0,
        seed: int = 0,
        realtime: bool = False,
        speed: float = 0.0,
        clock: SimClock | None = None,
        wait_for_subject_s: float = 0.0,
        **options: Any,
    ) -> None:
        if not 0.0 <= compliance <= 1.0:
            raise ValueError(f"compliance is a fraction 0-1, got {compliance}")
        if speed < 0:
            raise ValueError(f"speed must be >= 0, got {speed}")
        for name, value in (("pain_before", pain_before), ("pain_after", pain_after)):
            if not 0 <= value <= 10:
                raise ValueError(f"{name} is on the 0-10 scale, got {value}")
        if session_index < 0:
            raise ValueError(f"session_index must be >= 0, got {session_index}")
        improved = affected_share_pct + improvement_per_session * session_index
        affected_share_pct = min(improved, max(affected_share_pct, 50.0))
        self.pains = {"before": float(pain_before), "after": float(pain_after)}
        if clock is None and speed > 0:
            clock = ScaledClock(speed)
        self._params: dict[str, Any] = dict(
            mass_kg=mass_kg, affected_side=affected_side, affected_share_pct=affected_share_pct,
            reached_pct=reached_pct, noise=noise)
        self.compliance = float(compliance)
        self._set = dict(exercise=exercise, reps=reps, hold_s=hold_s, half_reps=half_reps, set_index=set_index)
        self._base_seed = int(seed)
        super().__init__(address, subject=self._make_subject(), seed=seed, realtime=realtime or speed > 0,
                         clock=clock, wait_for_subject_s=wait_for_subject_s, step_on_at_start=True, **options)

    def _make_subject(self) -> HomeSetSubject:
        s = self._set
        reps = round(int(s["reps"]) * self.compliance)
        return HomeSetSubject(s["exercise"], reps=reps, hold_s=float(s["hold_s"]), half_reps=int(s["half_reps"]),
                              seed=self._base_seed * 1000 + int(s["set_index"]), **self._params)

    def prepare_set(self, exercise: str, *, reps: int, hold_s: float, set_index: int = 0, half_reps: int = 0,
                    **subject_options: Any) -> None:
        """Perform ``exercise`` in the next recording (called by the guided session before each set)."""
        if exercise not in EXERCISE_MOTIONS:
            raise ValueError(f"the simulated home patient does not know exercise {exercise!r}")
        self._set = dict(exercise=exercise, reps=reps, hold_s=hold_s, half_reps=half_reps, set_index=set_index)
        self._params.update(subject_options)
        self.subject = self._make_subject()

    def simulated_pain(self, which: str) -> float:
        """The pain rating ("before" or "after") the simulated patient gives, 0-10."""
        return self.pains[which]

    @property
    def home_subject(self) -> HomeSetSubject:
        subject = self.subject
        assert isinstance(subject, HomeSetSubject)
        return subject

    def _open(self) -> None:
        self.subject = self._make_subject()  # a fresh patient for the set: on the board when the recording starts
        super()._open()

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice("sim-home", "", "simulated home patient doing the prescribed exercises "
                                            "(byte-exact simulated Wii board)")]
