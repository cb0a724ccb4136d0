"""Reading delimited numeric text tables with errors that name the line and the field."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Table", "read_table"]

_NAME_UNIT = re.compile(r"^\s*(?P<name>[^\[\(]+?)\s*(?:[\[\(](?P<unit>[^\]\)]*)[\]\)])?\s*$")


@dataclass(frozen=True)
class Table:
    """A numeric table: column names, their units ("" when the header gives none) and the values.

    Attributes
    ----------
    path : Path
    names, units : tuple of str
    data : ndarray, shape (n, k), float64
    first_data_line : int
        1-based line number of the first data row (for messages).
    """

    path: Path
    names: tuple[str, ...]
    units: tuple[str, ...]
    data: np.ndarray
    first_data_line: int

    def index(self, name: str) -> int:
        """Column index of ``name`` (case-insensitive); a clear error naming the columns present."""
        lowered = [n.lower() for n in self.names]
        if name.lower() not in lowered:
            raise ValueError(f"{self.path.name}: missing column {name!r} (columns: {', '.join(self.names)})")
        return lowered.index(name.lower())

    def column(self, name: str) -> np.ndarray:
        return self.data[:, self.index(name)]

    def unit(self, name: str) -> str:
        return self.units[self.index(name)]


def _split(line: str, delimiter: str | None) -> list[str]:
    return [f.strip() for f in (line.split(delimiter) if delimiter else line.split())]


def read_table(
    path: str | os.PathLike[str], *, delimiter: str | None = None, default_names: tuple[str, ...] | None = None
) -> Table:
    """Read a text table with an optional header line of names (``Fz`` or ``Fz [N]``).

    Parameters
    ----------
    path : str or Path
    delimiter : str, optional
        Field separator; None splits on any whitespace (tabs and spaces).
    default_names : tuple of str, optional
        Column names to assume when the first line is numeric (no header).

    Raises
    ------
    ValueError
        An empty file, a header without names, a row with the wrong number of fields (a truncated file),
        or a field that is not a number: the message names the line and the field.
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8-sig", errors="replace")
    lines = [(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip()]
    if not lines:
        raise ValueError(f"{p.name}: the file is empty")
    first_no, first = lines[0]
    fields = _split(first, delimiter)
    try:
        [float(f) for f in fields]
        has_header = False
    except ValueError:
        has_header = True
    if has_header:
        merged: list[str] = []
        for f in fields:  # "Fz [N]" split on whitespace: the unit token belongs to the name before it
            if merged and f and f[0] in "[(" and f[-1] in "])":
                merged[-1] += f
            else:
                merged.append(f)
        fields = merged
        names, units = [], []
        for field in fields:
            match = _NAME_UNIT.match(field)
            if not match:
                raise ValueError(f"{p.name} line {first_no}: cannot read the column name {field!r}")
            names.append(match["name"].strip())
            units.append((match["unit"] or "").strip())
        body = lines[1:]
    else:
        if default_names is None:
            raise ValueError(f"{p.name} line {first_no}: no header line with column names")
        names, units, body = list(default_names), [""] * len(default_names), lines
    if not body:
        raise ValueError(f"{p.name}: no data rows after the header")
    k = len(names)
    try:  # fast path: one vectorised parse; the line-by-line scan below only runs to explain a failure
        data = np.loadtxt([line for _, line in body], delimiter=delimiter, ndmin=2, dtype=np.float64)
        if data.shape[1] != k:
            raise ValueError("column count")
    except ValueError:
        data = _scan(p, body, names, delimiter)
    if not np.all(np.isfinite(data)):
        row, col = np.argwhere(~np.isfinite(data))[0]
        raise ValueError(f"{p.name} line {body[row][0]}: field {names[col]!r} is not finite ({data[row, col]})")
    return Table(p, tuple(names), tuple(units), data, body[0][0])


def _scan(p: Path, body: list[tuple[int, str]], names: list[str], delimiter: str | None) -> np.ndarray:
    k = len(names)
    data = np.empty((len(body), k))
    for row, (line_no, line) in enumerate(body):
        values = _split(line, delimiter)
        if len(values) != k:
            raise ValueError(
                f"{p.name} line {line_no}: expected {k} fields ({', '.join(names)}), got {len(values)}"
                + (" (truncated file?)" if len(values) < k else "")
            )
        for col, value in enumerate(values):
            try:
                data[row, col] = float(value)
            except ValueError:
                raise ValueError(f"{p.name} line {line_no}: field {names[col]!r} is not a number: {value!r}") from None
    return data
