"""The loader example in docs/hdf5-schema.md runs and gives what ``recordings.open`` gives."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from _fixtures import lab_plate_info, make_block

import recordings
from analysis.cop import cop_from_cells
from recordings.metadata import Subject
from recordings.writer import RecordingWriter

DOC = Path(__file__).resolve().parents[2] / "docs" / "hdf5-schema.md"


def _loader_source() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Loading with h5py alone", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, "no python block in the loader section"
    return match.group(1)


def test_loaderExample_IsShortAndMatchesTheReader(tmp_path: Path) -> None:
    source = _loader_source()
    assert len(source.strip().splitlines()) <= 16  # "a 15-line loader" (+ the blank line after imports)
    path = tmp_path / "trial.h5"
    with RecordingWriter(path, lab_plate_info(), Subject(id="P1", mass_kg=70.0, affected_side="left")) as writer:
        for i in range(10):
            writer.append(make_block(i * 100, 100))
    namespace: dict[str, object] = {}
    exec(compile(source, str(DOC), "exec"), namespace)
    loaded = namespace["load"](path)  # type: ignore[operator]
    rec = recordings.open(path)
    np.testing.assert_array_equal(loaded["t_s"], rec.t_s)
    np.testing.assert_array_equal(loaded["seq"], rec.seq)
    np.testing.assert_array_equal(loaded["forces_n"], rec.forces_n)
    assert loaded["channels"] == list(rec.device.channel_names)
    assert loaded["meta"]["subject"]["id"] == "P1"
    cop = cop_from_cells(rec.forces_n, rec.device.sensor_positions())
    np.testing.assert_allclose(loaded["cop_mm"][:, 0], cop.cop_x_mm, atol=1e-3)
    np.testing.assert_allclose(loaded["cop_mm"][:, 1], cop.cop_y_mm, atol=1e-3)


def test_schemaDoc_NamesEveryDatasetAndAttributeTheWriterCreates(tmp_path: Path) -> None:
    import h5py

    path = tmp_path / "trial.h5"
    with RecordingWriter(
        path, lab_plate_info(), Subject(id="P1", mass_kg=70.0, height_m=1.7, affected_side="left"),
        {"duration_s": (1.0, "s")}, calibration={"gain": (1.0, "N/count")},
    ) as writer:
        writer.append(make_block(0, 10))
    text = DOC.read_text(encoding="utf-8")
    names: set[str] = set()
    with h5py.File(path, "r") as f:
        names.update(f.attrs)
        for obj_name in ("device", "subject", "acquisition/t_s", "acquisition/forces_n"):
            names.update(f[obj_name].attrs)

        def visit(name: str, _obj: object) -> None:
            names.add("/" + name)

        f.visititems(visit)
    missing = sorted(n for n in names if f"`{n}`" not in text and f"`{n}=" not in text)
    assert missing == [], f"docs/hdf5-schema.md does not describe {missing}"
