"""Patient x trial: criterion verdicts, overall answer, ranking and explanation.

Public API (interfaces: INTERFACES.md "Matching (M)"; JSON: interfaces.md section 3):

- ``match_trials(profile, trials, *, as_of, options) -> MatchReport``
- ``evaluate_trial(profile, trial, *, as_of) -> TrialMatch`` (every criterion, no filtering)
- ``MatchIndex``: trials with parsed criteria held in memory (``MatchIndex.from_store(store)``,
  ``index.match(profile, as_of=..., options=...)``), the fast path for repeated matching.
"""

from __future__ import annotations

from cartnav.matching.engine import evaluate_trial, match_trials
from cartnav.matching.index import MatchIndex
from cartnav.matching.options import MatchOptions
from cartnav.matching.results import CriterionResult, MatchReport, MissingFact, TrialMatch

__all__ = [
    "CriterionResult",
    "MatchIndex",
    "MatchOptions",
    "MatchReport",
    "MissingFact",
    "TrialMatch",
    "evaluate_trial",
    "match_trials",
]
