"""CLI: `cartnav match PROFILE`: the trials that could take this patient, criterion by criterion."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import click

from cartnav.assessment.profile_io import load_profile_file
from cartnav.matching import MatchIndex, MatchOptions
from cartnav.matching.options import DEFAULT_STATUSES, MatchOptionError, validate_statuses
from cartnav.matching.render import render_report
from cartnav.storage import open_store


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()  # the CLI is the only layer that reads the clock
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise MatchOptionError(f"--as-of: expected a date as YYYY-MM-DD, got {value!r}") from None


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.command("match")
@click.argument("profile", type=click.Path(dir_okay=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of interfaces.md §3.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="Registry status to keep (repeatable; 'any' for all). Default: recruiting and not yet.",
)
@click.option("--country", help="Only trials with a site in this country (ISO code or name).")
@click.option(
    "--max-km",
    type=click.FloatRange(min=0),
    help="Only trials with a site within this distance of residence.lat/lon.",
)
@click.option(
    "--explain",
    "explain",
    multiple=True,
    metavar="NCT",
    help="Explain these trials criterion by criterion, whatever the filters (repeatable).",
)
@click.option("--as-of", "as_of", metavar="DATE", help="Matching date (default: today).")
@click.option("--database-url", envvar="CARTNAV_DATABASE_URL", help="Trial store URL.")
def match_command(
    profile: str,
    as_json: bool,
    limit: int,
    statuses: tuple[str, ...],
    country: str | None,
    max_km: float | None,
    explain: tuple[str, ...],
    as_of: str | None,
    database_url: str | None,
) -> None:
    """Match a patient PROFILE (JSON or YAML) to the stored trials.

    Hard filters first (status, the trial's age limits and sex, disease and lineage, place),
    then every criterion's verdict (met, not met, unknown, not applicable) with its reason,
    an overall answer and a ranking. Decision support only: discuss it with the treating team.
    """
    when = _date(as_of)
    wanted = _split(statuses)
    try:
        validate_statuses(wanted)
    except ValueError as exc:
        raise MatchOptionError(f"--status: {exc}") from None
    named = [n.upper() for n in _split(explain)]
    patient = load_profile_file(profile, today=when)
    options = MatchOptions(
        statuses=tuple(wanted) or DEFAULT_STATUSES,
        country=country,
        max_km=max_km,
        limit=limit,
        explain=tuple(named),
    )
    keep = options.status_set()
    with open_store(database_url) as store:
        if named:
            index = MatchIndex.from_store(store, nct_ids=named)
        else:
            index = MatchIndex.from_store(store, statuses=sorted(keep) if keep else None)
        report = index.match(patient, as_of=when, options=options)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_report(report))


COMMANDS: list[click.Command] = [match_command]
