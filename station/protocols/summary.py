"""What the results panel says about a recording: what was recorded, the training scores, weight bearing."""

from __future__ import annotations

import numpy as np

from analysis.cop import DEFAULT_MIN_FZ_N
from analysis.weight_bearing import limb_loads_from_cell_pairs, weight_bearing
from recordings.reader import Recording

__all__ = ["summarize_recording"]


def summarize_recording(rec: Recording) -> list[str]:
    """Lines for the results panel: what was recorded, the training events' scores, and weight bearing
    (mean affected / unaffected %BW and Robinson SI, :func:`analysis.weight_bearing.weight_bearing`)."""
    duration = float(rec.t_s[-1] - rec.t_s[0]) if rec.n_samples > 1 else 0.0
    lines = [
        f"{rec.path.name}: {rec.protocol or 'no protocol'} ({rec.status})",
        f"subject {rec.subject.id}, affected side {rec.subject.affected_side or 'not given'}",
        f"{rec.device.model}: {rec.n_samples} samples over {duration:.1f} s, {rec.lost_samples} lost",
    ]
    lines += [f"{e.code}: {e.label}" for e in rec.events if e.code in ("score", "training_done")]
    side = rec.subject.affected_side
    if side in ("left", "right") and rec.device.sensor_positions_mm is not None and rec.n_samples >= 2:
        loaded = rec.forces_n.sum(axis=1) >= DEFAULT_MIN_FZ_N
        if np.count_nonzero(loaded) >= 2:
            loads = limb_loads_from_cell_pairs(rec.forces_n[loaded], rec.device.sensor_positions())
            wb = weight_bearing(loads, side)  # type: ignore[arg-type]
            lines.append(
                f"weight bearing ({wb.method}, {wb.normalisation}): affected {wb.affected_load_pct_bw:.1f} %BW, "
                f"unaffected {wb.unaffected_load_pct_bw:.1f} %BW, symmetry index {wb.symmetry_index_pct:+.1f} %"
            )
        else:
            lines.append("weight bearing: nobody stood on the device")
    return lines
