"""Live streams for research tools: a Lab Streaming Layer outlet per device, and its marker stream.

pylsl (the ``lsl`` extra) is imported only when an outlet opens. See ``docs/lsl.md``.
"""

from station.stream.lsl_config import LslError
from station.stream.lsl_outlet import LslOutlet

__all__ = ["LslError", "LslOutlet"]
