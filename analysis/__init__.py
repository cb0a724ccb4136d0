"""Pure NumPy/SciPy analysis: arrays in, frozen dataclasses with units out.

No I/O, no Qt, no drivers (DESIGN.md §1, §6).
"""
