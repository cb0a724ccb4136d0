"""Benchmark the clinical report and the store, with baselines measured in the same run.

Run: python benchmarks/bench_reports.py [--sessions 10] [--list 10000] [--repeat 5]

Every time printed is the median of ``--repeat`` runs, of wall time or (``--clock cpu``) of this process's CPU time.

1. Render a ten-session progress report of one patient (3 standing trials of 30 s per session, simulated
   board): the model from the store, the HTML (figures included), and the PDF (WeasyPrint, when installed);
   the progress page alone too. Target from the issue: under 3 s. Baseline: re-analysing every recording
   from its HDF5 file, the cost a report would pay if it recomputed the numbers instead of printing the
   stored analysis results.
2. List 10,000 sessions of one patient with their trial counts (one query with a join). Baseline: the
   naive N+1 route, one count query per session.

No time is asserted: the script prints times and ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from drivers import registry
from recordings.metadata import Subject
from recordings.reader import open_recording
from station.protocols.standing import analyze_standing_recording, run_standing
from station.reports.model import model_from_store
from station.reports.render import _figures, _Images, render_html, write_report  # private: a breakdown
from station.reports.standing import standing_report
from station.store import Store
from station.store.register import register_recording

REPEAT = 5
#: --clock cpu: this process's CPU time instead of wall time, for a machine shared with other work (the report
#: is single-threaded, so on an idle machine the two agree).
CLOCK = time.perf_counter


def median_of(fn, repeat: int | None = None) -> float:
    """Median time of ``repeat`` runs (default ``REPEAT``, set by --repeat) on ``CLOCK``, s."""
    times = []
    for _ in range(repeat or REPEAT):
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
    return statistics.median(times)


def build_patient(store: Store, tmp: Path, sessions: int) -> str:
    pid = store.add_patient(affected_side="left", mass_kg=72.0, birth_year=1956).id
    for i in range(sessions):
        sid = store.add_session(pid, f"2026-{1 + i // 28:02d}-{1 + i % 28:02d}").id
        store.add_score(sid, "tug_s", 14.0 - 0.3 * i)
        for k in range(3):
            device = registry.create("sim", {"affected_side": "left", "affected_share_pct": 40.0 + 0.8 * i,
                                             "mass_kg": 72.0, "seed": 100 * i + k})
            path = tmp / f"s{i}-t{k}.h5"
            out = run_standing(device, path, Subject(pid, 72.0, "left"), seconds=30.0)
            register_recording(store, pid, path, session_id=sid, result=standing_report(out.result, out.recording))
    return pid


def bench_report(tmp: Path, sessions: int) -> None:
    store = Store(tmp / "report.sqlite3")
    pid = build_patient(store, tmp, sessions)
    paths = [t.path for s in store.sessions(pid) for t in store.trials(s.id)]
    model_s = median_of(lambda: model_from_store(store, pid))
    model = model_from_store(store, pid)
    html_s = median_of(lambda: write_report(model, tmp / "r.html"))
    progress_only = replace(model, assessments=[])
    prog_s = median_of(lambda: render_html(progress_only))
    reanalyse_s = median_of(lambda: [analyze_standing_recording(open_recording(p)) for p in paths], repeat=1)
    print(f"1. {sessions}-session report ({len(paths)} trials of 30 s, {len(model.assessments)} assessment pages "
          f"+ progress page)")
    print(f"   model from the store             {model_s * 1e3:8.1f} ms")
    print(f"   HTML with figures (whole report) {html_s * 1e3:8.1f} ms   target 3000 ms -> "
          f"{'met' if model_s + html_s < 3 else 'MISSED'}")
    print(f"   progress page alone (HTML)       {prog_s * 1e3:8.1f} ms")
    with tempfile.TemporaryDirectory() as scratch:  # the figures alone, as the PDF route writes them
        figures_s = median_of(lambda: _figures(model, _Images(Path(scratch))))
    print(f"   of which the figures (matplotlib) {figures_s * 1e3:7.1f} ms")
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        print("   PDF: WeasyPrint not installed (pip install 'balance-station[reports]')")
    else:
        pdf_s = median_of(lambda: write_report(model, tmp / "r.pdf"))
        pages = write_report(model, tmp / "r.pdf").pages
        print(f"   PDF (whole report, {pages} pages)     {pdf_s * 1e3:8.1f} ms   target 3000 ms -> "
              f"{'met' if model_s + pdf_s < 3 else 'MISSED'}")
    print(f"   baseline: re-analysing the {len(paths)} recordings {reanalyse_s * 1e3:8.1f} ms "
          f"(model from stored results is {reanalyse_s / model_s:.0f}x faster)")
    store.close()


def bench_list(tmp: Path, n: int) -> None:
    store = Store(tmp / "list.sqlite3")
    pid = store.add_patient(affected_side="right").id
    result = json.dumps({"affected_load_pct_bw": 45.0, "settings": {}})
    with store.transaction() as db:  # bulk set-up: n sessions with one trial each
        db.executemany("INSERT INTO sessions (patient_id, date, place, clinician, created_utc)"
                       " VALUES (?, ?, 'clinic', '', 'now')", [(pid, f"{2000 + i // 365}-01-01") for i in range(n)])
        ids = [r[0] for r in db.execute("SELECT id FROM sessions WHERE patient_id = ?", (pid,))]
        db.executemany(
            "INSERT INTO trials (session_id, protocol, condition, path, sha256, recorded_utc, result_json,"
            " settings_json, created_utc) VALUES (?, 'standing', 'c', 'x.h5', ?, 'now', ?, '{}', 'now')",
            [(sid, hashlib.sha256(str(sid).encode()).hexdigest(), result) for sid in ids])
    listed = store.sessions(pid)
    assert len(listed) == n and all(s.n_trials == 1 for s in listed)
    fast = median_of(lambda: store.sessions(pid))

    def naive() -> list:
        rows = store._db.execute("SELECT id, date, place FROM sessions WHERE patient_id = ? ORDER BY date, id",
                                 (pid,)).fetchall()
        return [(r[0], store._db.execute("SELECT count(*) FROM trials WHERE session_id = ?", (r[0],)).fetchone())
                for r in rows]

    slow = median_of(naive, repeat=3)
    print(f"2. list {n} sessions with trial counts: {fast * 1e3:.1f} ms; baseline N+1 queries {slow * 1e3:.1f} ms "
          f"(ratio {slow / fast:.1f}x)")
    store.close()


def main() -> None:
    global REPEAT, CLOCK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--list", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="runs per timing (the median is printed)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time, or this process's CPU time (for a busy shared machine)")
    args = parser.parse_args()
    REPEAT = args.repeat
    CLOCK = time.perf_counter if args.clock == "wall" else time.process_time
    print(f"median of {REPEAT} runs, {args.clock} clock")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_report(tmp, args.sessions)
        bench_list(tmp, args.list)


if __name__ == "__main__":
    main()
