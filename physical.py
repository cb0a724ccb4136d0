"""Physical constants every layer shares, defined once (``analysis``, ``drivers``, ``recordings``, ``station``).

This module imports nothing, so every package may import it without breaking the one-way arrows of
DESIGN.md §1 (``analysis`` and ``drivers`` know nothing of each other, yet both turn kg into N).
"""

__all__ = ["STANDARD_GRAVITY_M_S2"]

#: Standard acceleration of gravity, m/s² (3rd CGPM, 1901; exact by definition): N = kg × 9.80665.
STANDARD_GRAVITY_M_S2 = 9.80665
