"""Invariants of the criteria parser, checked on generated text (Hypothesis).

- ``parse_criteria`` is total: any string gives a list, never an exception.
- Splitting neither loses nor duplicates text: item spans and skipped spans (headings, list
  markers, stray punctuation) are ordered and disjoint, and all that lies between them is
  whitespace; every item's text is exactly ``text[start:end]``.
- Every item has at least one constraint, and every constraint span lies inside its item.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cartnav.criteria import parse_criteria
from cartnav.criteria.extract import _extract
from cartnav.criteria.split import split_text
from cartnav.criteria.text import fold
from cartnav.domain.criterion import CONSTRAINT_TYPES

_PIECES = [
    "Inclusion Criteria:",
    "Exclusion Criteria:",
    "INCLUSION CRITERIA",
    "Key Inclusion Criteria",
    "Patients will be excluded if",
    "入选标准：",
    "排除标准：",
    "\n",
    "\n\n",
    "  ",
    "- ",
    "* ",
    "• ",
    "1. ",
    "2. ",
    "1) ",
    "(2) ",
    "a. ",
    "b) ",
    "ii. ",
    "A. ",
    "B. ",
    "1、",
    "①",
    "OR",
    " or ",
    "any of the following:",
    "Age ≥ 18 years",
    "3 to 21 years of age",
    "CD19+ B-ALL",
    "CD7 >30% positive",
    "relapsed or refractory",
    "MRD ≥ 10^-4",
    "0.01%",
    "Karnofsky (age ≥ 16 years) or Lansky (age < 16 years) ≥ 50",
    "ECOG 0-1",
    "ALT/AST ≤ 3 × ULN",
    "creatinine \\< 1.5 mg/dL",
    "LVEF ≥ 45% or SF ≥ 28%",
    "Prior CAR-T therapy",
    "except carcinoma in situ",
    "unless",
    "active GVHD",
    "HIV",
    "pregnant",
    "informed consent",
    "\\>",
    "；",
    "（1）",
    "х",
    ".",
    ":",
    ";",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=30).map("".join),
)


@settings(max_examples=250, deadline=None)
@given(texts)
def test_parse_is_total_and_items_are_exact_slices(text: str) -> None:
    items = parse_criteria(text)
    for index, item in enumerate(items):
        assert item.text == text[item.start : item.end]
        assert item.text.strip() == item.text and item.text
        assert item.kind in ("inclusion", "exclusion")
        assert item.parent is None or 0 <= item.parent < index
        assert item.constraints
        for c in item.constraints:
            assert 0 <= c.span[0] <= c.span[1] <= len(item.text)


@settings(max_examples=250, deadline=None)
@given(texts)
def test_split_loses_and_duplicates_nothing(text: str) -> None:
    result = split_text(text)
    spans = sorted(
        [(i.start, i.end) for i in result.items] + [(s, e) for s, e, _ in result.skipped]
    )
    pos = 0
    for start, end in spans:
        assert start >= pos, f"overlap at {start}: {text!r}"
        assert text[pos:start].strip() == "", f"lost {text[pos:start]!r}"
        pos = end
    assert text[pos:].strip() == ""


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)
    assert len(fold(text, keep_backslash=True)) == len(text)


@settings(max_examples=250, deadline=None)
@given(texts, st.sampled_from(["inclusion", "exclusion"]))
def test_extractors_do_not_rely_on_the_safety_net(text: str, kind: str) -> None:
    """``extract_constraints`` keeps an item as ``unknown`` if an extractor fails; the
    extractors themselves must not fail, so call them without that safety net."""
    for c in _extract(text, kind):  # type: ignore[arg-type]
        assert 0 <= c.span[0] <= c.span[1] <= len(text)
        assert c.type in CONSTRAINT_TYPES
