"""CLI: ``cartnav trials import|sync|search|show|quarantine`` over the local trial store."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cartnav.domain.errors import NotFoundError
from cartnav.domain.trial import Trial
from cartnav.storage import SearchQuery, TrialStore, open_store
from cartnav.storage.export import age_years, trial_to_dict
from cartnav.storage.models import ImportSummary, TrialSummary

if TYPE_CHECKING:
    from cartnav.criteria.model_backend import ModelClient

F = TypeVar("F", bound=Callable[..., Any])

CAUTION = (
    "Registry data as stored locally: statuses and sites change, so check the registry page "
    "and discuss any trial with the treating team."
)


def database_option(func: F) -> F:
    return click.option(
        "--database-url",
        default=None,
        metavar="URL",
        help="sqlite:///path.db or postgresql://...; default: $CARTNAV_DATABASE_URL or a "
        "SQLite file in the user data folder.",
    )(func)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _print_summary(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary.to_dict()))
        return
    click.echo(
        f"inserted {summary.inserted}, updated {summary.updated}, "
        f"unchanged {summary.unchanged}, rejected {summary.rejected}"
    )
    if summary.rejected:
        click.echo("Rejected records are listed by `cartnav trials quarantine`.")


@click.group("trials")
def trials_group() -> None:
    """Import, sync, search and show ClinicalTrials.gov trials stored locally."""


@trials_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@database_option
def import_command(
    paths: Sequence[str], as_json: bool, batch_size: int, database_url: str | None
) -> None:
    """Import API v2 JSON (study, list, page, JSON Lines, .gz, bulk ZIP) or legacy XML."""
    from cartnav.registry.ingest import ingest
    from cartnav.registry.sources import iter_records

    with open_store(database_url) as store:
        summary = ingest(store, iter_records(paths), batch_size=batch_size)
    _print_summary(summary, as_json)


@trials_group.command("sync")
@click.option("--query", "term", default=None, help="Free-text query (API query.term).")
@click.option("--condition", default=None, help="Condition or disease (API query.cond).")
@click.option("--full", is_flag=True, help="Fetch everything again, not only updates.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@database_option
def sync_command(
    term: str | None, condition: str | None, full: bool, as_json: bool, database_url: str | None
) -> None:
    """Fetch trials live from the ClinicalTrials.gov API v2 (needs the network)."""
    from cartnav.registry.client import CtgovClient
    from cartnav.registry.sync import sync

    query: dict[str, str] = {}
    if term:
        query["query.term"] = term
    if condition:
        query["query.cond"] = condition
    with open_store(database_url) as store, CtgovClient() as client:
        summary = sync(store, client, query=query or None, full=full)
    _print_summary(summary, as_json)


def _parse_near(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        lat_text, lon_text = value.split(",")
        return float(lat_text), float(lon_text)
    except ValueError:
        raise click.BadParameter(f"expected LAT,LON in degrees, got {value!r}") from None


def _ages(min_days: int | None, max_days: int | None) -> str:
    low, high = age_years(min_days), age_years(max_days)
    if low is None and high is None:
        return "any age"
    if high is None:
        return f"{low:g} y and older"
    if low is None:
        return f"up to {high:g} y"
    return f"{low:g}-{high:g} y"


def _hit_lines(hit: TrialSummary) -> list[str]:
    phases = "/".join(p.replace("PHASE", "Phase ").replace("EARLY_", "Early ") for p in hit.phases)
    details = [_ages(hit.min_age_days, hit.max_age_days), f"sex {hit.sex.lower()}"]
    if hit.cell_therapy:
        details.append(
            "cell therapy" + (f" ({', '.join(hit.car_targets)})" if hit.car_targets else "")
        )
    if hit.countries:
        details.append(
            "sites in " + ", ".join(hit.countries[:8]) + (" ..." if len(hit.countries) > 8 else "")
        )
    if hit.distance_km is not None:
        details.append(f"nearest site {hit.distance_km:.0f} km")
    return [
        f"{hit.nct_id}  {hit.status}  {phases or '-'}  {hit.title}",
        "    " + " · ".join(details),
        f"    {hit.url}",
    ]


@trials_group.command("search")
@click.argument("text", required=False)
@click.option("--status", "statuses", multiple=True, help="Registry status (repeatable); 'any'.")
@click.option("--country", default=None, help="ISO 3166 code or English name of a site country.")
@click.option("--age", "age", type=float, default=None, help="Patient age in years.")
@click.option("--near", default=None, metavar="LAT,LON", help="Point to measure distance from.")
@click.option("--max-km", type=float, default=None, help="Keep trials with a site this close.")
@click.option("--cart", is_flag=True, help="Only CAR-T / CAR-NK / engineered cell therapy.")
@click.option("--condition", default=None, help="Text within a listed condition or MeSH term.")
@click.option("--phase", default=None, help="1, 2, 3, 4, 1/2, early1 or na.")
@click.option("--sex", default=None, help="female or male: trials open to that sex.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="Print {total, results} as JSON.")
@database_option
def search_command(
    text: str | None,
    statuses: Sequence[str],
    country: str | None,
    age: float | None,
    near: str | None,
    max_km: float | None,
    cart: bool,
    condition: str | None,
    phase: str | None,
    sex: str | None,
    limit: int,
    offset: int,
    as_json: bool,
    database_url: str | None,
) -> None:
    """Search stored trials; with no arguments every stored trial matches."""
    query = SearchQuery(
        text=text,
        statuses=tuple(statuses),
        country=country,
        age_years=age,
        near=_parse_near(near),
        max_km=max_km,
        cart_only=cart,
        condition=condition,
        phase=phase,
        sex=sex,
        limit=limit,
        offset=offset,
    )
    with open_store(database_url) as store:
        result = store.search(query)
    if as_json:
        _echo_json(result.to_dict())
        return
    shown = len(result.results)
    click.echo(
        f"{result.total} trials match"
        + (f"; showing {offset + 1}-{offset + shown}" if shown else "")
    )
    for hit in result.results:
        click.echo("")
        for line in _hit_lines(hit):
            click.echo(line)
    click.echo("")
    click.echo(f"Source: ClinicalTrials.gov. {CAUTION}")


def _criteria_items(trial: Trial, refiner: ModelClient | None) -> dict[str, Any]:
    from cartnav.criteria import parse_criteria
    from cartnav.criteria.refine import refine_items

    items = parse_criteria(trial.eligibility_criteria or "")
    if refiner is None:
        return {"criteria": [item.to_dict() for item in items]}
    refined, report = refine_items(items, refiner)
    return {
        "criteria": [item.to_dict() for item in refined],
        "criteria_refinement": {"model": refiner.config.model, **report.to_dict()},
    }


def _show_dict(
    store: TrialStore, trial: Trial, with_criteria: bool, refiner: ModelClient | None = None
) -> dict[str, Any]:
    from cartnav.registry.classify import car_targets, is_cell_therapy

    out = trial_to_dict(
        trial,
        geo_sources=store.site_geo_sources(trial.nct_id),
        cell_therapy=is_cell_therapy(trial),
        car_targets=car_targets(trial),
    )
    if with_criteria:
        out.update(_criteria_items(trial, refiner))
    return out


def _refiner(refine: bool) -> ModelClient | None:
    """The configured model backend when ``--refine`` asks for it (an error if none is set)."""
    if not refine:
        return None
    from cartnav.criteria.model_backend import (
        ENV_BASE_URL,
        ENV_MODEL,
        ModelBackendError,
        ModelClient,
        ModelConfig,
    )

    config = ModelConfig.from_env()
    if config is None:
        raise ModelBackendError(
            f"--refine needs a model endpoint: set {ENV_BASE_URL} and {ENV_MODEL}"
            " (an OpenAI-compatible API)"
        )
    return ModelClient(config)


def _print_trial(data: dict[str, Any]) -> None:
    lines = [
        f"{data['nct_id']}: {data['title']}",
        f"  status {data['status']} · phases {', '.join(data['phases']) or '-'} · "
        f"{_ages(data['min_age_days'], data['max_age_days'])} · sex {str(data['sex']).lower()}",
        f"  conditions: {'; '.join(data['conditions']) or '-'}",
        f"  interventions: {'; '.join(i['name'] for i in data['interventions']) or '-'}",
        f"  sponsor: {data['sponsor'] or '-'}",
    ]
    if data["cell_therapy"]:
        targets = ", ".join(data["car_targets"]) or "target not stated"
        lines.append(f"  cell therapy: yes ({targets})")
    sites = data["sites"]
    lines.append(f"  sites: {len(sites)}")
    for site in sites[:10]:
        place = ", ".join(p for p in (site["city"], site["state"], site["country"]) if p)
        approx = " (approximate location)" if str(site["coordinates"]).startswith("approx") else ""
        lines.append(f"    - {site['facility'] or '?'}: {place}{approx}")
    if len(sites) > 10:
        lines.append(f"    ... and {len(sites) - 10} more")
    if "criteria" in data:
        lines.append("  eligibility criteria (parsed):")
        for item in data["criteria"]:
            kinds = ", ".join(
                c["type"] + (" (model)" if c.get("source") == "model" else "")
                for c in item["constraints"]
            )
            lines.append(f"    [{item['kind']}] {item['text']}  <{kinds}>")
        refinement = data.get("criteria_refinement")
        if refinement:
            lines.append(
                f"  model {refinement['model']}: {refinement['refined']} of"
                f" {refinement['asked']} unread items refined, {refinement['failed']} failed,"
                f" {refinement['rejected']} readings dropped; a model's reading is for the"
                " study team to confirm"
            )
            lines.extend(f"    model error: {e}" for e in refinement["errors"])
    elif data["eligibility_criteria"]:
        lines.append("  eligibility criteria:")
        lines.extend("    " + line for line in str(data["eligibility_criteria"]).splitlines())
    lines.append(f"  source: {data['source']}")
    click.echo("\n".join(lines))


@trials_group.command("show")
@click.argument("nct_ids", nargs=-1, required=True)
@click.option("--criteria", "with_criteria", is_flag=True, help="Add the parsed criteria items.")
@click.option(
    "--refine",
    is_flag=True,
    help="With --criteria: ask the configured language model ($CARTNAV_LLM_BASE_URL,"
    " $CARTNAV_LLM_MODEL, $CARTNAV_LLM_API_KEY) about the items the rules leave unknown."
    " Only criteria text is sent.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON: one object, or a list for several.")
@database_option
def show_command(
    nct_ids: Sequence[str],
    with_criteria: bool,
    refine: bool,
    as_json: bool,
    database_url: str | None,
) -> None:
    """Show stored trials by NCT id."""
    if refine and not with_criteria:
        raise click.UsageError("--refine needs --criteria")
    refiner = _refiner(refine)
    try:
        with open_store(database_url) as store:
            shown = []
            for nct_id in nct_ids:
                trial = store.get_trial(nct_id)
                if trial is None:
                    raise NotFoundError(f"trial {nct_id!r} is not in the store (import or sync it)")
                shown.append(_show_dict(store, trial, with_criteria, refiner))
    finally:
        if refiner is not None:
            refiner.close()
    if as_json:
        _echo_json(shown[0] if len(shown) == 1 else shown)
        return
    for number, data in enumerate(shown):
        if number:
            click.echo("")
        _print_trial(data)
    click.echo("")
    click.echo(CAUTION)


@trials_group.command("quarantine")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@database_option
def quarantine_command(as_json: bool, database_url: str | None) -> None:
    """List records that imports rejected, with the reason."""
    with open_store(database_url) as store:
        rows = store.quarantined()
    if as_json:
        _echo_json([row.to_dict() for row in rows])
        return
    click.echo(f"{len(rows)} quarantined records")
    for row in rows:
        click.echo(f"- {row.origin} ({row.nct_id or 'no NCT id'}): {row.reason}")


COMMANDS: list[click.Command] = [trials_group]
