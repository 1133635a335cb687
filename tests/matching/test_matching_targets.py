"""Safety gate: on both judged sets the live matcher never wrongly calls a trial
``not_eligible`` and wrongly calls under 2% ``likely_eligible`` (issue 5 targets); and, so that
safety is not bought by calling everything "possibly", it keeps calling at least 35% of the
pairs judged likely ``likely_eligible`` (51 of 128 and 14 of 34 on 2026-12-08).

The figures themselves are printed by ``bench/match_eval.py``; this test keeps them from
regressing."""

from __future__ import annotations

from pathlib import Path

import pytest
from script_modules import load_bench

REPO = Path(__file__).resolve().parents[2]
LIKELY_FLOOR = 0.45


@pytest.mark.parametrize("which", ["original", "heldout"])
def test_matcher_meets_the_safety_targets(which: str, shared_data: Path) -> None:
    ev = load_bench("match_eval")
    folders = [ev.JUDGED / sub for sub in ev.SETS[which]]
    rows = [r for folder in folders for r in ev.load_judgements(folder / "judgements.jsonl")]
    profiles = {k: v for f in folders for k, v in ev.load_profiles(f / "profiles").items()}
    trials = ev.load_trials(shared_data)
    predicted, _, disagreements, _, _ = ev.run(rows, profiles, trials)
    metrics = ev.compute_metrics(predicted)
    wrongly_not = [
        (d["profile"], d["nct_id"]) for d in disagreements if d["predicted"] == "not_eligible"
    ]
    assert metrics.errors == 0
    assert wrongly_not == []
    assert metrics.wrongly_likely_share < ev.WRONG_LIKELY_TARGET
    assert metrics.per_class()["likely_eligible"] >= LIKELY_FLOOR
