"""Make the example report shown in docs/reports.md: a simulated patient over six clinic sessions and a
home session, then the PDF and PNG images of its first and progress pages.

Run from the repository root: PYTHONPATH=. python docs/examples/report_example.py OUT_DIR
(the PNGs need pypdfium2: pip install pypdfium2)
"""

from __future__ import annotations

import sys
from pathlib import Path

from station.reports.model import model_from_store
from station.reports.render import write_report
from station.store import Store
from tests.reports._build import add_standing_session


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out / "store.sqlite3")
    pid = store.add_patient(affected_side="left", mass_kg=72.0, birth_year=1958, sex="female").id
    for i in range(6):
        sid = add_standing_session(store, pid, out, f"2026-0{i + 1}-15", 40.0 + 1.6 * i)
        store.add_score(sid, "tug_s", 14.0 - 0.5 * i)
        store.add_score(sid, "pain_nrs", max(6 - i, 2))
    add_standing_session(store, pid, out, "2026-06-20", 47.0, place="home", trials=2)
    rendered = write_report(model_from_store(store, pid), out / "report.pdf")
    write_report(model_from_store(store, pid), out / "report.html")
    print(f"{rendered.path}: {rendered.pages} pages")
    try:
        import pypdfium2
    except ImportError:
        return
    pdf = pypdfium2.PdfDocument(str(rendered.path))
    for index, name in ((0, "report-standing-page.png"), (len(pdf) - 1, "report-progress-page.png")):
        pdf[index].render(scale=1.6).to_pil().save(out / name)
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "report-example"))
