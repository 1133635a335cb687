"""Agreement of the matcher with the judged set (tests/matching/judged/).

For every judged (profile, trial record) pair, runs
``cartnav.matching.evaluate_trial(profile, trial, as_of=<profile as_of>)`` and compares its
``overall`` answer with the clinician-reader's expected answer. Prints the confusion matrix
(expected x predicted), agreement per class, and the two safety figures:

- trials wrongly called ``not_eligible`` (expected likely/possibly, predicted not): target 0;
- share wrongly called ``likely_eligible``: predicted likely among the pairs whose expected answer
  is possibly or not eligible: target under 2%.

A baseline measured in the same run (age limits only: ``not_eligible`` outside the registry age
limits, else ``possibly_eligible``) gives the ratio. ``--errors`` lists every disagreement with
the expected "why" and the matcher's failing/unknown criteria; ``--check`` exits 1 when a target
is missed (or a pair could not be evaluated).

    .venv/bin/python bench/match_eval.py [--errors] [--check] [--json] [--only NCT02435849]
    .venv/bin/python bench/match_eval.py --set heldout   # the 12 held-out profiles
    .venv/bin/python bench/match_eval.py --set all       # both sets together

``--set original`` (the default) is the 36-profile set the matcher was tuned against;
``--set heldout`` is ``judged/heldout/``, written later and never shown to the matcher's author.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
JUDGED = REPO / "tests" / "matching" / "judged"
SHARED = Path(os.environ.get("CARTNAV_SHARED_DIR", REPO.parent / "shared")) / "data"
CLASSES = ("likely_eligible", "possibly_eligible", "not_eligible")
SHORT = {"likely_eligible": "likely", "possibly_eligible": "possibly", "not_eligible": "not"}
ERROR = "error"
WRONG_LIKELY_TARGET = 0.02
SETS = {"original": ("",), "heldout": ("heldout",), "all": ("", "heldout")}


@dataclass
class Metrics:
    """Figures for one predictor over the judged pairs."""

    total: int = 0
    confusion: dict[str, Counter[str]] = field(
        default_factory=lambda: {c: Counter() for c in CLASSES}
    )

    @property
    def agreed(self) -> int:
        return sum(self.confusion[c][c] for c in CLASSES)

    @property
    def agreement(self) -> float:
        return self.agreed / self.total if self.total else 0.0

    def per_class(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for c in CLASSES:
            n = sum(self.confusion[c].values())
            out[c] = self.confusion[c][c] / n if n else None
        return out

    @property
    def wrongly_not_eligible(self) -> int:
        return sum(
            self.confusion[c]["not_eligible"] for c in ("likely_eligible", "possibly_eligible")
        )

    @property
    def not_likely_expected(self) -> int:
        return sum(sum(self.confusion[c].values()) for c in ("possibly_eligible", "not_eligible"))

    @property
    def wrongly_likely(self) -> int:
        return sum(
            self.confusion[c]["likely_eligible"] for c in ("possibly_eligible", "not_eligible")
        )

    @property
    def wrongly_likely_share(self) -> float:
        n = self.not_likely_expected
        return self.wrongly_likely / n if n else 0.0

    @property
    def errors(self) -> int:
        return sum(self.confusion[c][ERROR] for c in CLASSES)

    def meets_targets(self) -> bool:
        return (
            self.wrongly_not_eligible == 0
            and self.wrongly_likely_share < WRONG_LIKELY_TARGET
            and self.errors == 0
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.total,
            "agreement": round(self.agreement, 4),
            "agreement_per_class": {
                k: None if v is None else round(v, 4) for k, v in self.per_class().items()
            },
            "confusion": {c: dict(self.confusion[c]) for c in CLASSES},
            "wrongly_not_eligible": self.wrongly_not_eligible,
            "wrongly_likely_eligible": self.wrongly_likely,
            "wrongly_likely_eligible_share": round(self.wrongly_likely_share, 4),
            "evaluation_errors": self.errors,
            "meets_targets": self.meets_targets(),
        }


def compute_metrics(pairs: Iterable[tuple[str, str]]) -> Metrics:
    """``pairs`` of (expected, predicted); predicted may be ``"error"``."""
    metrics = Metrics()
    for expected, predicted in pairs:
        if expected not in CLASSES:
            raise ValueError(f"unknown expected class: {expected!r}")
        if predicted not in (*CLASSES, ERROR):
            raise ValueError(f"unknown predicted class: {predicted!r}")
        metrics.total += 1
        metrics.confusion[expected][predicted] += 1
    return metrics


def load_judgements(path: Path) -> list[dict[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                row = json.loads(line)
                for key in ("profile", "nct_id", "source", "expected", "why"):
                    if key not in row:
                        raise ValueError(f"{path.name} line {number}: missing {key!r}")
                rows.append(row)
    return rows


def load_profiles(folder: Path) -> dict[str, Any]:
    from cartnav.domain.patient import parse_profile

    profiles = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        today = dt.date.fromisoformat(data["as_of"])
        profiles[path.stem] = parse_profile(data, today=today)
    return profiles


def load_trials(shared: Path) -> dict[tuple[str, str], Any]:
    """(nct_id, source_format) -> Trial, for the legacy XML records and the CAR-T listings."""
    from cartnav.registry.cart_pages import iter_cart_pages
    from cartnav.registry.parse import parse_record
    from cartnav.registry.records import RawRecord
    from cartnav.registry.sources import iter_records

    trials: dict[tuple[str, str], Any] = {}
    for record in iter_records([shared / "ctgov" / "cart_legacy_xml"]):
        if not isinstance(record, RawRecord):
            raise SystemExit(f"legacy XML record rejected: {record.origin}: {record.reason}")
        trial = parse_record(record)
        trials[(trial.nct_id, trial.source_format)] = trial
    for trial in iter_cart_pages(shared / "cart_pages" / "cart_trials.jsonl"):
        trials[(trial.nct_id, trial.source_format)] = trial
    return trials


def baseline_answer(profile: Any, trial: Any) -> str:
    """Age limits only: what a registry search filter would say."""
    return "possibly_eligible" if trial.admits_age(profile.age) else "not_eligible"


def _problems(match: Any) -> list[str]:
    lines = []
    for item in match.to_dict().get("criteria", []):
        if item.get("verdict") in ("not_met", "unknown"):
            text = " ".join(str(item.get("text", "")).split())[:110]
            lines.append(
                f"{item.get('verdict')} [{item.get('kind')}] {item.get('reason')} | {text}"
            )
    return lines


def run(
    rows: Sequence[Mapping[str, str]], profiles: Mapping[str, Any], trials: Mapping[Any, Any]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[dict[str, Any]], float, float]:
    from cartnav.matching import evaluate_trial

    predicted: list[tuple[str, str]] = []
    baseline: list[tuple[str, str]] = []
    disagreements: list[dict[str, Any]] = []
    matcher_seconds = baseline_seconds = 0.0
    for row in rows:
        profile = profiles[row["profile"]]
        trial = trials[(row["nct_id"], row["source"])]
        started = time.perf_counter()
        try:
            match = evaluate_trial(profile, trial, as_of=profile.as_of)
            answer = str(match.overall)
        except Exception as exc:  # a crash is a finding, not a reason to stop
            match, answer = None, ERROR
            row = {**row, "error": f"{type(exc).__name__}: {exc}"}
        matcher_seconds += time.perf_counter() - started
        started = time.perf_counter()
        base = baseline_answer(profile, trial)
        baseline_seconds += time.perf_counter() - started
        predicted.append((row["expected"], answer))
        baseline.append((row["expected"], base))
        if answer != row["expected"]:
            disagreements.append(
                {**row, "predicted": answer, "problems": _problems(match) if match else []}
            )
    return predicted, baseline, disagreements, matcher_seconds, baseline_seconds


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def report(metrics: Metrics, base: Metrics, seconds: float, base_seconds: float) -> str:
    lines = [f"judged pairs: {metrics.total}"]
    header = "expected \\ predicted " + "".join(f"{SHORT[c]:>10}" for c in CLASSES) + f"{ERROR:>8}"
    lines += ["", header]
    for c in CLASSES:
        row = metrics.confusion[c]
        cells = "".join(f"{row[p]:>10}" for p in CLASSES) + f"{row[ERROR]:>8}"
        lines.append(f"{SHORT[c]:<21}{cells}")
    lines.append("")
    per, base_per = metrics.per_class(), base.per_class()
    for c in CLASSES:
        n = sum(metrics.confusion[c].values())
        lines.append(
            f"agreement {SHORT[c]:<9} {_pct(per[c])} of {n:>4}   (baseline {_pct(base_per[c])})"
        )
    ratio = metrics.agreement / base.agreement if base.agreement else float("inf")
    lines += [
        f"agreement overall  {_pct(metrics.agreement)}          (baseline {_pct(base.agreement)}, "
        f"ratio {ratio:.2f}x)",
        "",
        f"wrongly not_eligible:     {metrics.wrongly_not_eligible:>5}   (target 0; "
        f"baseline {base.wrongly_not_eligible})",
        f"wrongly likely_eligible:  {metrics.wrongly_likely:>5} = "
        f"{_pct(metrics.wrongly_likely_share).strip()} of {metrics.not_likely_expected} "
        f"(target < {100 * WRONG_LIKELY_TARGET:.0f}%)",
        f"evaluation errors:        {metrics.errors:>5}",
        f"time: matcher {1000 * seconds:.0f} ms "
        f"({1e6 * seconds / max(metrics.total, 1):.0f} us/pair), "
        f"age-only baseline {1000 * base_seconds:.1f} ms "
        f"(ratio {seconds / base_seconds if base_seconds else float('inf'):.0f}x)",
        f"targets: {'met' if metrics.meets_targets() else 'MISSED'}",
    ]
    return "\n".join(lines)


def format_errors(disagreements: Sequence[Mapping[str, Any]]) -> str:
    order = {("possibly_eligible", "not_eligible"): 0, ("likely_eligible", "not_eligible"): 0}
    ranked = sorted(
        disagreements,
        key=lambda d: (
            d["predicted"] != ERROR,
            order.get(
                (d["expected"], d["predicted"]), 1 if d["predicted"] == "likely_eligible" else 2
            ),
            d["nct_id"],
            d["profile"],
        ),
    )
    lines = []
    for d in ranked:
        lines.append(
            f"- {d['profile']} x {d['nct_id']} ({d['source']}): expected {SHORT[d['expected']]}, "
            f"predicted {SHORT.get(d['predicted'], d['predicted'])}"
        )
        lines.append(f"    why: {d['why']}")
        if "error" in d:
            lines.append(f"    error: {d['error']}")
        for problem in d["problems"][:6]:
            lines.append(f"    {problem}")
        if len(d["problems"]) > 6:
            lines.append(f"    ... {len(d['problems']) - 6} more")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--judged", type=Path, default=JUDGED, help="judged-set folder")
    parser.add_argument(
        "--set",
        choices=sorted(SETS),
        default="original",
        dest="which",
        help="original (default), heldout (judged/heldout/) or all",
    )
    parser.add_argument("--shared-data", type=Path, default=SHARED, help="../shared/data folder")
    parser.add_argument(
        "--only", metavar="TEXT", help="judged pairs whose profile or NCT id contains TEXT"
    )
    args = parser.parse_args(argv)

    folders = [args.judged / sub for sub in SETS[args.which]]
    rows = [row for folder in folders for row in load_judgements(folder / "judgements.jsonl")]
    if args.only:
        rows = [r for r in rows if args.only in r["profile"] or args.only in r["nct_id"]]
    profiles = {k: v for folder in folders for k, v in load_profiles(folder / "profiles").items()}
    trials = load_trials(args.shared_data)
    missing = sorted(
        {f"{r['nct_id']} ({r['source']})" for r in rows if (r["nct_id"], r["source"]) not in trials}
        | {r["profile"] for r in rows if r["profile"] not in profiles}
    )
    if missing:
        print("judged pairs name unknown trials/profiles: " + ", ".join(missing), file=sys.stderr)
        return 1
    predicted, baseline, disagreements, seconds, base_seconds = run(rows, profiles, trials)
    metrics, base = compute_metrics(predicted), compute_metrics(baseline)
    if args.json:
        print(
            json.dumps(
                {
                    "set": args.which,
                    "matcher": metrics.to_dict(),
                    "baseline_age_only": base.to_dict(),
                    "matcher_ms": round(1000 * seconds, 1),
                },
                indent=2,
            )
        )
    else:
        print(f"set: {args.which} ({len(profiles)} profiles)")
        print(report(metrics, base, seconds, base_seconds))
    if args.errors:
        print("\ndisagreements (wrongly not_eligible first, then wrongly likely, then the rest):")
        print(format_errors(disagreements) or "(none)")
    if args.check and not metrics.meets_targets():
        return 1
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
