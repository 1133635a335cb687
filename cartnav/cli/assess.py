"""CLI: ``cartnav assess PROFILE [--region R] [--json] [--as-of DATE]``."""

from __future__ import annotations

import datetime as dt
import json

import click

from cartnav.assessment import assess, choose_region, load_profile_file
from cartnav.assessment.regions import REGIONS
from cartnav.assessment.text import render_text
from cartnav.domain.errors import CartnavError
from cartnav.knowledge import load_knowledge

EPILOG = """\b
Examples:
  cartnav assess examples/profile-second-relapse.json
  cartnav assess examples/profile-second-relapse.json --region EU
  cartnav assess examples/profile-first-relapse-after-transplant.yaml --region US --json
  cartnav assess my-profile.yaml --as-of 2026-11-01

\b
Regions: US (FDA), EU (EC/EMA), UK (MHRA), CA (Health Canada), JP (MHLW/PMDA),
CN (NMPA), IN (CDSCO), ES (EU plus Spain's hospital exemption). Without --region the
profile's country of residence decides when it is one of these (EU member states -> EU,
GB -> UK), else US. Exit codes: 0 done, 2 bad input, 1 internal error.
"""


@click.command(epilog=EPILOG)
@click.argument("profile", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--region",
    metavar="R",
    help=f"Region whose labels apply: {', '.join(REGIONS)} (default: from residence, else US).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract (interfaces.md §2).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    default=None,
    help="Assessment date (default: today); also the profile's date when it gives none.",
)
def assess_command(
    profile: str, region: str | None, as_json: bool, as_of: dt.datetime | None
) -> None:
    """Should CAR-T be considered for this patient now, here, and with which approved products?

    PROFILE is a patient profile in JSON or YAML (interfaces.md section 1). The answer is one
    of standard_option, consider, not_indicated_now or insufficient_information, with every
    step explained and sourced. Decision support only: discuss it with the treating team.
    """
    today = as_of.date() if as_of is not None else dt.date.today()
    patient = load_profile_file(profile, today=today)
    chosen, basis = choose_region(patient, region)
    try:
        kb = load_knowledge()
        result = assess(patient, kb, region=chosen, as_of=today, region_basis=basis)
        output = (
            json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
            if as_json
            else render_text(result).rstrip("\n")
        )
    except CartnavError:
        raise
    except Exception:  # an internal error: say so without details that could carry patient data
        click.echo("cartnav: internal error while assessing the profile", err=True)
        raise SystemExit(1) from None
    click.echo(output)


assess_command.name = "assess"
COMMANDS: list[click.Command] = [assess_command]
