"""The readable report of ``cartnav match`` (the default output; ``--json`` prints the dict)."""

from __future__ import annotations

import textwrap

from cartnav.domain.verdict import Verdict
from cartnav.matching.results import NOTE, MatchReport, TrialMatch

_OVERALL = {
    "likely_eligible": "Likely eligible",
    "possibly_eligible": "Possibly eligible",
    "not_eligible": "Not eligible",
}
MAX_SITES = 5
MAX_ITEMS = 8
WIDTH = 100


def render_report(report: MatchReport) -> str:
    lines: list[str] = []
    statuses = ", ".join(s.replace("_", " ").lower() for s in report.statuses)
    lines.append(f"Clinical trials for this profile, as of {report.as_of.isoformat()}")
    if report.explain:
        lines.append(f"Explaining {', '.join(report.explain)} criterion by criterion.")
    else:
        removed = ", ".join(f"{n} by {name}" for name, n in sorted(report.removed.items()))
        lines.append(
            f"Statuses: {statuses}. {report.considered} trials read, {report.candidates} pass the"
            f" filters{f' (removed: {removed})' if removed else ''}; showing {len(report.results)}."
        )
    if not report.results:
        lines.append("")
        lines.append(
            "No trial to show. If the store is empty, import trials first "
            "(cartnav trials import PATH) or widen the filters (--status any)."
        )
    for rank, match in enumerate(report.results, 1):
        lines.append("")
        lines.extend(render_match(match, rank))
    if report.missing_information:
        lines.append("")
        lines.append("What would change the answer (ask the treating team):")
        for fact in report.missing_information[:8]:
            lines.append(f"  - {fact.message}.")
    lines.append("")
    lines.extend(textwrap.wrap(NOTE, WIDTH))
    return "\n".join(lines)


def render_match(match: TrialMatch, rank: int) -> list[str]:
    out = [f"{rank}. {match.nct_id}  {match.title}"]
    facts = [_OVERALL[match.overall], match.status.replace("_", " ").lower()]
    if match.phases:
        facts.append("/".join(p.replace("_", " ").lower() for p in match.phases))
    if match.targets:
        facts.append(f"targets {', '.join(match.targets)}")
    facts.append(f"score {match.score:g}")
    out.append("   " + " · ".join(facts))
    out.extend(_wrap(f"Why: {match.why}", 3))
    out.extend(_wrap(f"Ranked here because: {'; '.join(match.rank_reasons)}", 3))
    for check in match.removed_by:
        out.extend(_wrap(f"Filtered out by {check.name}: {check.reason}", 3))
    sections = (
        (Verdict.NOT_MET, "Fails"),
        (Verdict.UNKNOWN, "Unknown (ask the study team)"),
        (Verdict.MET, "Met"),
    )
    for verdict, title in sections:
        items = [c for c in match.criteria if c.verdict is verdict]
        if not items:
            continue
        out.append(f"   {title}:")
        for item in items[:MAX_ITEMS]:
            out.extend(_wrap(f"- {item.reason}", 5))
            if verdict is not Verdict.MET and item.source != "registry_fields":
                out.extend(_wrap(f'"{_short(item.text)}"', 7))
        if len(items) > MAX_ITEMS:
            out.append(
                f"     ... and {len(items) - MAX_ITEMS} more (--json or --explain shows all)"
            )
    practical = sum(1 for c in match.criteria if c.verdict is Verdict.NOT_APPLICABLE)
    if practical:
        out.append(
            f"   Not patient facts or not needed: {practical} item(s); confirm with the study team."
        )
    if match.sites:
        shown = [
            _site(s.facility, s.city, s.country, s.distance_km) for s in match.sites[:MAX_SITES]
        ]
        more = len(match.sites) - MAX_SITES
        tail = f"; and {more} more" if more > 0 else ""
        out.extend(_wrap(f"Sites: {'; '.join(shown)}{tail}", 3))
    out.append(
        f"   Source: ClinicalTrials.gov record, https://clinicaltrials.gov/study/{match.nct_id}"
    )
    return out


def _site(facility: str | None, city: str | None, country: str | None, km: float | None) -> str:
    parts = [p for p in (facility, city, country) if p]
    text = ", ".join(parts) or "site not named"
    return f"{text} ({km:.0f} km)" if km is not None else text


def _short(text: str, limit: int = 220) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _wrap(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad + "  ") or [pad]
