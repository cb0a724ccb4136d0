"""Real change for home exercise measures: set-to-set variation when sessions have several sets, else the
patient's between-session variation over the first three sessions (95 % prediction interval)."""

import math
import secrets

import numpy as np
import pytest
from scipy import stats

from station.reports.model import model_from_store
from station.reports.progress_view import rule_text
from station.reports.real_change import BASELINE_SESSIONS, between_session_threshold
from station.reports.render import write_report
from station.store import Store

KEY = "home:mini-squat:affected_mean_pct_bw"


def test_between_session_threshold_analytic_and_coverage():
    limit, sd = between_session_threshold([40.0, 42.0, 44.0])
    assert sd == pytest.approx(2.0)
    assert limit == pytest.approx(4.302652729749464 * 2.0 * math.sqrt(4.0 / 3.0), rel=1e-12)
    # independent check: for normal data the limit holds a new observation 95 % of the time
    rng = np.random.default_rng(7)
    draws = rng.normal(50.0, 3.0, size=(200_000, 4))
    base = draws[:, :3]
    sd_b = base.std(axis=1, ddof=1)
    lim = stats.t.ppf(0.975, 2) * sd_b * math.sqrt(1 + 1 / 3)
    inside = np.abs(draws[:, 3] - base.mean(axis=1)) <= lim
    assert inside.mean() == pytest.approx(0.95, abs=0.003)
    # and the function gives the same limit as the vectorised formula on one draw
    assert between_session_threshold(base[0])[0] == pytest.approx(lim[0], rel=1e-12)
    with pytest.raises(ValueError, match="at least 2 baseline sessions"):
        between_session_threshold([40.0])


def _home_store(tmp_path, per_session):
    """A patient whose home sessions hold mini-squat sets with the given affected-limb loads (one list per
    session, one value per set)."""
    store = Store(tmp_path / "s.sqlite3")
    pid = store.add_patient(affected_side="left", mass_kg=70.0).id
    for i, loads in enumerate(per_session):
        session = store.add_session(pid, f"2026-11-{i + 2:02d}", place="home")
        for k, load in enumerate(loads):
            store.add_trial(session.id, protocol="home", condition="mini-squat", path=f"/nowhere/{i}-{k}.h5",
                            sha256=secrets.token_hex(32), recorded_utc="2026-11-02T10:00:00+00:00",
                            result={"protocol": "home", "affected_mean_pct_bw": load, "on_target_pct": 80.0},
                            settings={})
    return store, pid


def _measure(model, key=KEY):
    return next(m for m in model.progress if m.key == key)


def test_one_set_per_session_uses_the_between_session_rule(tmp_path):
    loads = [40.0, 42.0, 44.0, 45.0, 60.0]
    store, pid = _home_store(tmp_path, [[x] for x in loads])
    with store:
        model = model_from_store(store, pid)
    m = _measure(model)
    limit, sd = between_session_threshold(loads[:3])
    assert m.own_rule == "own between-session variation" and m.sd_between == pytest.approx(sd)
    assert m.baseline_sessions == BASELINE_SESSIONS == 3 and m.reference == pytest.approx(42.0)
    verdicts = [p.verdict for p in m.points]
    assert verdicts[0] is None and all("baseline period" in v.rule for v in verdicts[1:3])
    assert verdicts[3].delta == pytest.approx(3.0) and not verdicts[3].real  # 3 < 9.94
    assert verdicts[4].delta == pytest.approx(18.0) and verdicts[4].real  # 18 > 9.94
    assert verdicts[4].patient_limit == pytest.approx(limit)
    assert "beats own between-session variation 9.94 %BW" in verdicts[4].rule
    assert rule_text(m) == "★ when |Δ| > own between-session variation 9.94 %BW"
    # on target stayed 80 % every time: SD_b = 0, nothing to judge by -> the old "cannot judge", never "real"
    flat = _measure(model, "home:mini-squat:on_target_pct")
    assert flat.sd_between is None and all(not p.verdict.real for p in flat.points if p.verdict)
    assert all(p.verdict.rule.startswith("cannot judge") for p in flat.points if p.verdict)
    html = write_report(model, tmp_path / "r.html").path.read_text()
    assert "SD<sub>b</sub>" in html and "over sessions 1-3" in html and "own between-session variation" in html


def test_too_few_sessions_cannot_judge(tmp_path):
    store, pid = _home_store(tmp_path, [[40.0], [42.0], [44.0]])
    with store:
        m = _measure(model_from_store(store, pid))
    assert m.sd_between is None and all(p.verdict.rule.startswith("cannot judge") for p in m.points if p.verdict)


def test_several_sets_use_the_set_to_set_variation(tmp_path):
    store, pid = _home_store(tmp_path, [[40.0, 42.0], [41.0, 43.0], [50.0, 52.0]])
    with store:
        m = _measure(model_from_store(store, pid))
    assert m.own_rule == "own set-to-set variation" and m.sd_between is None
    assert m.sd_within == pytest.approx(math.sqrt(2.0)) and m.dof == 3  # one df per session of two sets
    limit = 1.96 * math.sqrt(2.0) * math.sqrt(1 / 2 + 1 / 2)
    v = m.points[2].verdict
    assert v.patient_limit == pytest.approx(limit) and v.real and "own set-to-set variation" in v.rule
