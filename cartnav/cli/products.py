"""CLI: ``cartnav products``: the approved CAR-T products, their labels, outcomes and prices."""

from __future__ import annotations

import json
import textwrap

import click

from cartnav.knowledge import load_knowledge
from cartnav.knowledge.catalogue import Catalogue, CatalogueEntry, select_catalogue
from cartnav.knowledge.schema import REGION_AGENCIES, Indication, Outcome, Price, Sourced

WIDTH = 96
NOTE = (
    "Decision support only, not medical advice: discuss any treatment with the treating team. "
    "Rows marked UNCONFIRMED could not be verified from their sources; a 'primary source' is the "
    "regulator's own document (label, SmPC, notice)."
)

EPILOG = """\b
Examples:
  cartnav products --region US --disease B-ALL
  cartnav products --region CN --disease B-ALL --outcomes --prices
  cartnav products --region EU --json
"""


@click.command("products", epilog=EPILOG)
@click.option(
    "--region",
    metavar="R",
    help=f"Only labels that apply in this region: {', '.join(REGION_AGENCIES)}.",
)
@click.option("--disease", metavar="D", help="Only this disease, e.g. B-ALL, LBCL, FL, MCL, MM.")
@click.option("--outcomes", "show_outcomes", is_flag=True, help="Show trial outcomes too.")
@click.option("--prices", "show_prices", is_flag=True, help="Show dated prices too.")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def products_command(
    region: str | None, disease: str | None, show_outcomes: bool, show_prices: bool, as_json: bool
) -> None:
    """List approved CAR-T products and their label indications, with sources.

    Each indication gives the agency, approval date, age limits, the label's own wording and
    whether it was confirmed against a primary source. JSON output always holds indications,
    outcomes and prices.
    """
    catalogue = select_catalogue(load_knowledge(), region=region, disease=disease)
    if as_json:
        click.echo(json.dumps(catalogue.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(render_catalogue(catalogue, outcomes=show_outcomes, prices=show_prices))


def render_catalogue(catalogue: Catalogue, *, outcomes: bool = False, prices: bool = False) -> str:
    """The catalogue as readable text for people."""
    where = catalogue.region_name or "all regions"
    what = catalogue.disease or "all diseases"
    lines = [
        f"Approved CAR-T products - {where} - {what}",
        f"Knowledge base checked up to {catalogue.knowledge_version}.",
        "",
    ]
    if not catalogue.entries:
        lines.append(f"No approved CAR-T label found for {what} in {where}.")
        lines.append("")
    for entry in catalogue.entries:
        lines.extend(_entry_lines(entry, outcomes=outcomes, prices=prices))
        lines.append("")
    lines.extend(textwrap.wrap(NOTE, WIDTH))
    return "\n".join(lines)


def _entry_lines(entry: CatalogueEntry, *, outcomes: bool, prices: bool) -> list[str]:
    product = entry.product
    inn = product.inn or "no INN known"
    if product.inn_short:
        inn += f", {product.inn_short}"
    construct = ", ".join(
        part
        for part in (
            "target " + "/".join(product.targets),
            product.costimulatory_domain,
            "autologous" if product.autologous else "allogeneic",
        )
        if part
    )
    lines = [f"{product.brand} ({inn})", f"  {construct}; {product.developer}"]
    lines.extend(_status_lines(product, indent="  "))
    for row in entry.indications:
        lines.extend(_indication_lines(row))
    if outcomes:
        lines.append("  Outcomes:" if entry.outcomes else "  Outcomes: none recorded")
        for outcome in entry.outcomes:
            lines.extend(_outcome_lines(outcome))
    if prices:
        lines.append("  Prices:" if entry.prices else "  Prices: none recorded")
        for price in entry.prices:
            lines.extend(_price_lines(price))
    return lines


def _indication_lines(row: Indication) -> list[str]:
    head = f"  - {row.agency} {row.approval_date} | {row.disease} | {age_text(row)}"
    if row.approval_type:
        head += f" | {row.approval_type}"
    if row.requires_cd19_positive:
        head += " | CD19-positive"
    lines = [head]
    lines.extend(_wrap(f'"{row.label_text}"', "      "))
    if row.notes:
        lines.extend(_wrap(f"Note: {row.notes}", "      "))
    lines.extend(_status_lines(row, indent="      "))
    return lines


def _outcome_lines(row: Outcome) -> list[str]:
    head = row.study + (f" [{row.nct_id}]" if row.nct_id else "")
    lines = [f"  - {head}"]
    facts = [f"Population: {row.population}" + (f" (n={row.n})" if row.n is not None else "")]
    for label, value in (
        ("Remission", row.remission),
        ("12-month event-free survival", row.efs_12mo),
        ("12-month overall survival", row.os_12mo),
        ("Severe CRS", row.crs_severe),
        ("Severe neurotoxicity", row.neurotoxicity_severe),
        ("Note", row.notes),
    ):
        if value:
            facts.append(f"{label}: {value}")
    for fact in facts:
        lines.extend(_wrap(fact, "      "))
    lines.extend(_status_lines(row, indent="      "))
    return lines


def _price_lines(row: Price) -> list[str]:
    amount = f"{row.amount:,.0f}"
    if row.amount_max is not None:
        amount += f" to {row.amount_max:,.0f}"
    lines = [f"  - {row.country}: {row.currency} {amount} ({row.basis}; as of {row.as_of})"]
    if row.notes:
        lines.extend(_wrap(f"Note: {row.notes}", "      "))
    lines.extend(_status_lines(row, indent="      "))
    return lines


def _status_lines(row: Sourced, *, indent: str) -> list[str]:
    if row.confirmed:
        status = "confirmed"
    else:
        status = "UNCONFIRMED: " + (row.unconfirmed or "not checked against a primary source")
    lines = _wrap(f"{status} (checked {row.checked.isoformat()})", indent)
    for source in row.sources:
        kind = "primary source" if source.primary else "source"
        lines.append(f"{indent}{kind}: {source.url}")
    return lines


def age_text(row: Indication) -> str:
    """The label's age limits in words, from the machine fields."""
    low, high = row.age_min_years, row.age_max_years
    if low is None and high is None:
        return "age limit not stated" if row.age_wording is None else f"age: {row.age_wording}"
    if low is None:
        return f"ages up to {high:g}"
    if high is None:
        return f"ages {low:g} and older"
    return f"ages {low:g} to {high:g}"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


COMMANDS: list[click.Command] = [products_command]
