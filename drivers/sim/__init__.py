"""Simulated subjects and their clocks: what the simulated devices carry (everything runs without hardware).

The simulated Wii Balance Board (``sim``) is :class:`drivers.wii.sim_device.SimulatedWiiBalanceBoard`; the
subjects here plug into it and into the other simulators.
"""

from drivers.sim.clock import FastClock, RealTimeClock, SimClock
from drivers.sim.subject import StandingSubject, SubjectTruth

__all__ = ["FastClock", "RealTimeClock", "SimClock", "StandingSubject", "SubjectTruth"]
