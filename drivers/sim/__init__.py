"""Simulated subjects and simulated devices: everything runs without hardware."""

from drivers.sim.board import SimulatedBoard
from drivers.sim.clock import FastClock, RealTimeClock, SimClock
from drivers.sim.subject import StandingSubject, SubjectTruth

__all__ = ["FastClock", "RealTimeClock", "SimClock", "SimulatedBoard", "StandingSubject", "SubjectTruth"]
