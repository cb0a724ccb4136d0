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


#: The first line of the published PDS ``...grf.txt`` files, verbatim (regifukuchi/datasets
#: PDS/data/PDS13OR1grf.txt, commit f17e4e77): 21 tab-separated names, no units.
PDS_HEADER = ("Time\tRGRF_X\tRGRF_Y\tRGRF_Z\tLGRF_X\tLGRF_Y\tLGRF_Z\tGRFNET_X\tGRFNET_Y\tGRFNET_Z\tRCOP_X\tRCOP_Y"
              "\tRCOP_Z\tLCOP_X\tLCOP_Y\tLCOP_Z\tCOPNET_X\tCOPNET_Y\tCOPNET_Z\tRFREEMOMENT_Y\tLFREEMOMENT_Y")


def write_pds(path, t, right, left, header=True, units=None, drop=()):
    """A PDS grf file as published: the header line, then ``%.6f`` values, tab-separated.

    right/left: dicts with fx (AP), fy (vertical), fz (ML) in N and copx (AP), copz (ML) in m, in the file's
    axes; the net columns are computed as in the data set (sum of forces, force-weighted COP). With no
    ``units`` (name -> unit, appended as " [unit]") and nothing in ``drop`` the first line is
    :data:`PDS_HEADER` verbatim; ``header=False`` writes no header line.
    """
    fy = right["fy"] + left["fy"]
    cols = {
        "Time": t,
        "RGRF_X": right["fx"], "RGRF_Y": right["fy"], "RGRF_Z": right["fz"],
        "LGRF_X": left["fx"], "LGRF_Y": left["fy"], "LGRF_Z": left["fz"],
        "GRFNET_X": right["fx"] + left["fx"], "GRFNET_Y": fy, "GRFNET_Z": right["fz"] + left["fz"],
        "RCOP_X": right["copx"], "RCOP_Y": 0 * t, "RCOP_Z": right["copz"],
        "LCOP_X": left["copx"], "LCOP_Y": 0 * t, "LCOP_Z": left["copz"],
        "COPNET_X": (right["copx"] * right["fy"] + left["copx"] * left["fy"]) / fy, "COPNET_Y": 0 * t,
        "COPNET_Z": (right["copz"] * right["fy"] + left["copz"] * left["fy"]) / fy,
        "RFREEMOMENT_Y": 1.5 + 0 * t, "LFREEMOMENT_Y": -1.0 + 0 * t,
    }
    names = [n for n in PDS_HEADER.split("\t") if n not in drop]
    units = units or {}
    with open(path, "w", newline="\n") as fh:
        if header:
            fh.write("\t".join(f"{n} [{units[n]}]" if n in units else n for n in names) + "\n")
        for row in np.column_stack([cols[n] for n in names]):
            fh.write("\t".join(f"{v:.6f}" for v in row) + "\n")
