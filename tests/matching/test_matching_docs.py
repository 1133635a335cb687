"""docs/matching.md documents the ranking rule and the filters the code applies (a test fails
when one changes without the other)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cartnav.matching import ranking
from cartnav.matching.trial_traits import _PHASE_POINTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "matching.md"


def _table_points() -> dict[str, str]:
    rows = re.findall(r"^\| (.+?) \| (-?[\w ]+?) \|$", DOC.read_text(encoding="utf-8"), re.M)
    return {label.strip(): value.strip() for label, value in rows}


@pytest.mark.parametrize(
    ("label", "points"),
    [
        ("likely eligible", ranking.BAND["likely_eligible"]),
        ("possibly eligible", ranking.BAND["possibly_eligible"]),
        ("not eligible", ranking.BAND["not_eligible"]),
        (
            "certainty: share of patient-fact criteria decided (not unknown)",
            f"up to {ranking.CERTAINTY_MAX}",
        ),
        ("CAR-T / cell therapy study", ranking.CELL_THERAPY),
        ("a CAR target the profile says is positive", ranking.TARGET_POSITIVE),
        (
            "CD19 negative: a non-CD19 target of the patient's lineage (CD22, ...)",
            ranking.TARGET_ALTERNATIVE,
        ),
        (
            "every target negative in the profile (CD19-only trial, CD19-negative patient)",
            ranking.TARGETS_NEGATIVE,
        ),
        ("the registry names the patient's own disease", ranking.DISEASE_NAMED),
        ("relevance (the four rows above) is kept between 0 and", ranking.RELEVANCE_MAX),
        ("recruiting", ranking.RECRUITING),
        ("not yet recruiting", ranking.NOT_YET_RECRUITING),
        ("nearest site: 20 at home, falling to 0 at 5,000 km", f"up to {ranking.NEAR_MAX}"),
        ("no distance known, a site in the country of residence", ranking.HOME_COUNTRY),
        ("phase 3 or 4", _PHASE_POINTS["PHASE3"]),
        ("phase 2", _PHASE_POINTS["PHASE2"]),
        ("phase 1", _PHASE_POINTS["PHASE1"]),
        ("early phase 1", _PHASE_POINTS["EARLY_PHASE1"]),
    ],
)
def test_ranking_table_matches_the_code(label: str, points: object) -> None:
    assert _table_points().get(label) == str(points)


def test_bands_dominate_the_other_parts() -> None:
    others = (
        ranking.CERTAINTY_MAX
        + ranking.RELEVANCE_MAX
        + ranking.RECRUITING
        + ranking.NEAR_MAX
        + max(_PHASE_POINTS.values())
    )
    assert others < ranking.BAND["possibly_eligible"] - ranking.BAND["not_eligible"]
    assert others < ranking.BAND["likely_eligible"] - ranking.BAND["possibly_eligible"]
    assert str(others) in DOC.read_text(encoding="utf-8")
    assert ranking.RECRUITING - ranking.NOT_YET_RECRUITING > ranking.NEAR_MAX


@pytest.mark.parametrize("name", ["status", "age", "sex", "disease", "country", "distance"])
def test_every_filter_is_documented(name: str) -> None:
    assert f"| `{name}` |" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "option",
    [
        "--json",
        "--limit",
        "--status",
        "--country",
        "--max-km",
        "--explain",
        "--as-of",
        "--database-url",
    ],
)
def test_every_cli_option_is_documented(option: str) -> None:
    from cartnav.cli.match import match_command

    assert option in {o for p in match_command.params for o in p.opts}
    assert f"`{option}" in DOC.read_text(encoding="utf-8")
