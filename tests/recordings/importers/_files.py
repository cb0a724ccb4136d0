"""HBEDB- and PDS-format files written from known signals, for the importer tests."""

import numpy as np

FS = 100.0


def known_signal(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FS
    return {
        "t": t,
        "ap_cm": 2.0 + 0.5 * np.sin(2 * np.pi * 0.2 * t) + np.cumsum(rng.normal(0, 0.005, n)),
        "ml_cm": -1.0 + 0.3 * np.cos(2 * np.pi * 0.3 * t) + np.cumsum(rng.normal(0, 0.004, n)),
        "fz": 700.0 + 5.0 * np.sin(2 * np.pi * 0.7 * t),
        "fx": 3.0 * np.sin(2 * np.pi * 0.2 * t),
        "fy": -2.0 * np.cos(2 * np.pi * 0.3 * t),
        "mz": 0.5 * np.sin(t),
    }


def write_hbedb(path, s, header=True, units=("s", "N", "N", "N", "N.m", "N.m", "N.m", "cm", "cm")):
    names = ("Time", "Fx", "Fy", "Fz", "Mx", "My", "Mz", "COPx", "COPy")
    cols = [s["t"], s["fx"], s["fy"], s["fz"], 0 * s["t"] + 1.5, 0 * s["t"] - 2.5, s["mz"], s["ap_cm"], s["ml_cm"]]
    with open(path, "w") as fh:
        if header:
            fh.write("\t".join(f"{n}[{u}]" for n, u in zip(names, units, strict=True)) + "\n")
        for row in np.column_stack(cols):
            fh.write("\t".join(repr(float(v)) for v in row) + "\n")


def write_pds(path, t, right, left, units=None):
    """right/left: dicts with fx, fy (vertical), fz, copx (AP, m), copz (ML, m)."""
    names = ["Time"] + [f"{s}{q}" for s in "RL" for q in ("Fx", "Fy", "Fz", "COPx", "COPz")]
    units = units or ["s"] + ["N", "N", "N", "m", "m"] * 2
    cols = [t] + [d[k] for d in (right, left) for k in ("fx", "fy", "fz", "copx", "copz")]
    with open(path, "w") as fh:
        fh.write("\t".join(f"{n} [{u}]" for n, u in zip(names, units, strict=True)) + "\n")
        for row in np.column_stack(cols):
            fh.write("\t".join(repr(float(v)) for v in row) + "\n")
