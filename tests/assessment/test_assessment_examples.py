"""Every case of ../shared/examples/assessments.jsonl, for every region it lists."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from cartnav.assessment import assess
from cartnav.domain.patient import parse_profile
from cartnav.knowledge import KnowledgeBase

TODAY = dt.date(2026, 11, 27)
_SHARED = Path(
    os.environ.get("CARTNAV_SHARED_DIR", Path(__file__).resolve().parents[2].parent / "shared")
)
_FILE = "assessments.jsonl"


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _params() -> list[Any]:
    """(line, region) pairs for test ids; the test itself reads the file via the fixture."""
    path = _SHARED / "examples" / _FILE
    if not path.exists():  # the fixture then fails in CI and skips elsewhere
        return [pytest.param(-1, "", id="shared-examples-missing")]
    return [
        pytest.param(index, region, id=f"{case['name']}-{region}")
        for index, case in enumerate(_read(path))
        for region in case["expected"]
    ]


@pytest.mark.parametrize(("index", "region"), _params())
def test_shared_example(shared_examples: Path, kb: KnowledgeBase, index: int, region: str) -> None:
    case = _read(shared_examples / _FILE)[index]
    expected = case["expected"][region]
    profile = parse_profile(case["profile"], today=TODAY)

    result = assess(profile, kb, region=region, as_of=TODAY)

    assert result.region == region
    assert result.disease_state.code == expected["code"]
    assert result.level == expected["level"], result.summary
    on_label = sorted(p.inn or p.brand for p in result.products if p.label_fit == "on_label")
    if expected["level"] == "standard_option":
        assert on_label == sorted(expected["on_label"])
    else:
        assert on_label == []
    codes = {c.code for c in result.cautions}
    assert set(expected.get("cautions", [])) <= codes


def test_shared_examples_cover_every_level(shared_examples: Path) -> None:
    levels = {
        exp["level"] for case in _read(shared_examples / _FILE) for exp in case["expected"].values()
    }
    assert levels == {
        "standard_option",
        "consider",
        "not_indicated_now",
        "insufficient_information",
    }
