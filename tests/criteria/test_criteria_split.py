"""Splitting criteria text into items: headings, list styles, nesting, continuation lines,
alternative groups, flattened one-line lists, markdown escapes and Chinese text."""

from __future__ import annotations

import pytest

from cartnav.criteria import parse_criteria

# (id, text, [(kind, item text)])
SPLIT_CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "ctgov-markdown",
        "Inclusion Criteria:\n\n* Age ≥ 18 years\n* ECOG 0-1\n\n"
        "Exclusion Criteria:\n\n* Pregnant\n",
        [("inclusion", "Age ≥ 18 years"), ("inclusion", "ECOG 0-1"), ("exclusion", "Pregnant")],
    ),
    (
        "upper-headings",
        "INCLUSION CRITERIA\n1. Relapsed ALL\n2. CD19 positive\nEXCLUSION CRITERIA\n1. Active GVHD",
        [
            ("inclusion", "Relapsed ALL"),
            ("inclusion", "CD19 positive"),
            ("exclusion", "Active GVHD"),
        ],
    ),
    (
        "key-criteria",
        "Key Inclusion Criteria:\n- Relapsed B-ALL\nKey Exclusion Criteria:\n- Burkitt lymphoma",
        [("inclusion", "Relapsed B-ALL"), ("exclusion", "Burkitt lymphoma")],
    ),
    (
        "heading-with-scope",
        "Key Inclusion Criteria for the ALL Cohort\nRelapsed or refractory B-precursor ALL\n",
        [("inclusion", "Relapsed or refractory B-precursor ALL")],
    ),
    (
        "eligibility-heading",
        "Eligibility\n\n- Age 1-25 years\n",
        [("inclusion", "Age 1-25 years")],
    ),
    (
        "excluded-if",
        "- Age 1-25 years\nPatients will be excluded if:\n- HIV positive\n",
        [("inclusion", "Age 1-25 years"), ("exclusion", "HIV positive")],
    ),
    (
        "no-heading",
        "- Relapsed ALL\n- Karnofsky ≥ 50\n",
        [("inclusion", "Relapsed ALL"), ("inclusion", "Karnofsky ≥ 50")],
    ),
    (
        "trec-double-heading",
        "Inclusion criteria: inclusion criteria: \n\n Be aged 6 months - 17.99 years \n\n \n"
        "Exclusion criteria: : \n\n Previously enrolled in the study \n\n",
        [
            ("inclusion", "Be aged 6 months - 17.99 years"),
            ("exclusion", "Previously enrolled in the study"),
        ],
    ),
    (
        "numbers-paren",
        "Inclusion Criteria:\n1) Age 3-70\n2) B-ALL\n(3) CD19+\n",
        [("inclusion", "Age 3-70"), ("inclusion", "B-ALL"), ("inclusion", "CD19+")],
    ),
    (
        "bullets-unicode",
        "Inclusion criteria\n\n  • Age: 18-65 years\n  ○ CD19 positive\n  ▪ ECOG ≤ 2\n",
        [
            ("inclusion", "Age: 18-65 years"),
            ("inclusion", "CD19 positive"),
            ("inclusion", "ECOG ≤ 2"),
        ],
    ),
    (
        "flattened-numbers",
        "Inclusion Criteria: 1. Relapsed/Refractory AML patients 2. Positive for CD33 3. KPS more "
        "than 80. Exclusion Criteria: 1. Active infection 2. Pregnant",
        [
            ("inclusion", "Relapsed/Refractory AML patients"),
            ("inclusion", "Positive for CD33"),
            ("inclusion", "KPS more than 80."),
            ("exclusion", "Active infection"),
            ("exclusion", "Pregnant"),
        ],
    ),
    (
        "flattened-bullets-escapes",
        "Inclusion Criteria: * Ability to give informed consent (for patients \\> 14 years old) * "
        "Karnofsky \\>50% or Lansky \\>50% * Peripheral white blood cells over 1 \\* 10\\^9/L",
        [
            ("inclusion", "Ability to give informed consent (for patients \\> 14 years old)"),
            ("inclusion", "Karnofsky \\>50% or Lansky \\>50%"),
            ("inclusion", "Peripheral white blood cells over 1 \\* 10\\^9/L"),
        ],
    ),
    (
        "flattened-escaped-number",
        "Inclusion Criteria: 1. Age 3-70; 2. B-ALL; 3\\. Have measurable disease; "
        "4\\. Normal liver",
        [
            ("inclusion", "Age 3-70;"),
            ("inclusion", "B-ALL;"),
            ("inclusion", "Have measurable disease;"),
            ("inclusion", "Normal liver"),
        ],
    ),
    (
        "decimal-not-a-marker",
        "1. Bilirubin < 2. 5 mg/dL is not a list\n2. Creatinine 1.5 mg/dL",
        [
            ("inclusion", "Bilirubin < 2. 5 mg/dL is not a list"),
            ("inclusion", "Creatinine 1.5 mg/dL"),
        ],
    ),
    (
        "e-g-not-a-marker",
        "- Chemotherapy (e.g. clofarabine, cytarabine) within 2 weeks",
        [("inclusion", "Chemotherapy (e.g. clofarabine, cytarabine) within 2 weeks")],
    ),
    (
        "wrapped-lines",
        "Inclusion Criteria:\n\n  -  Any BM relapse after allogeneic SCT and must be ≥ 6\n"
        "     months from SCT at the time of infusion\n  -  Life expectancy > 12 weeks",
        [
            (
                "inclusion",
                "Any BM relapse after allogeneic SCT and must be ≥ 6\n"
                "     months from SCT at the time of infusion",
            ),
            ("inclusion", "Life expectancy > 12 weeks"),
        ],
    ),
    (
        "chinese",
        "入选标准：\n1、年龄18-65岁；\n2、CD19阳性的B-ALL；\n排除标准：\n1、妊娠或哺乳期妇女；",
        [
            ("inclusion", "年龄18-65岁；"),
            ("inclusion", "CD19阳性的B-ALL；"),
            ("exclusion", "妊娠或哺乳期妇女；"),
        ],
    ),
    (
        "chinese-paren-numbers",
        "纳入标准：（1）年龄≥18岁；（2）CD7阳性",
        [("inclusion", "年龄≥18岁；"), ("inclusion", "CD7阳性")],
    ),
    (
        "bullet-then-number",
        "  • Inclusion Criteria:\n  • 1. Age 18-75;\n  • 2. Signed consent;\n",
        [("inclusion", "Age 18-75;"), ("inclusion", "Signed consent;")],
    ),
    ("empty", "", []),
    ("only-headings", "Inclusion Criteria:\n\nExclusion Criteria:\n", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in SPLIT_CASES], ids=[c[0] for c in SPLIT_CASES]
)
def test_split(text: str, expected: list[tuple[str, str]]) -> None:
    items = parse_criteria(text)
    assert [(i.kind, i.text) for i in items] == expected
    for item in items:
        assert text[item.start : item.end] == item.text


def test_nested_items_keep_their_parent() -> None:
    text = (
        "Inclusion Criteria:\n\n  -  Adequate organ function defined as:\n\n"
        "       1. Alanine Aminotransferase (ALT) ≤ 5 times ULN.\n"
        "       2. Bilirubin < 2.0 mg/dL.\n\n  -  Life expectancy > 12 weeks.\n"
    )
    items = parse_criteria(text)
    assert [i.parent for i in items] == [None, 0, 0, None]


def test_any_of_the_following_is_a_group() -> None:
    text = (
        "Relapsed or refractory B-precursor ALL defined as one of the following:\n"
        "- Primary refractory disease\n- Any relapse within 18 months after first diagnosis\n"
        "Disease burden defined as at least 1 of the following:\n- > 5% blasts\n- MRD ≥ 10^-4\n"
        "Age ≤ 21 years\n"
    )
    items = parse_criteria(text)
    groups = [i.group for i in items]
    assert groups[0] is not None and groups[0] == groups[1] == groups[2]
    assert groups[3] is not None and groups[3] == groups[4] == groups[5] and groups[3] != groups[0]
    assert groups[6] is None
    assert [i.parent for i in items] == [None, 0, 0, None, 3, 3, None]


def test_or_chain_is_a_group() -> None:
    text = (
        "  -  Relapsed or refractory pediatric B-cell ALL.\n\n"
        "       1. 2nd or greater Bone Marrow (BM) relapse OR.\n\n"
        "       2. Any BM relapse after allogeneic SCT OR.\n\n"
        "       3. Ineligible for allogeneic SCT.\n\n"
        "  -  Life expectancy > 12 weeks.\n"
    )
    items = parse_criteria(text)
    assert len({i.group for i in items[:4]}) == 1 and items[0].group is not None
    assert items[4].group is None


def test_standalone_or_joins_siblings() -> None:
    items = parse_criteria("- Relapse after HSCT\nOR\n- Second or later relapse\n- Age < 25")
    assert [i.text for i in items] == ["Relapse after HSCT", "Second or later relapse", "Age < 25"]
    assert (
        items[0].group is not None and items[0].group == items[1].group and items[2].group is None
    )


def test_flattened_letters_and_roman_numerals() -> None:
    text = (
        "- Refractory/relapsed B-cell malignancies: - A. Refractory/relapsed B-cell lymphoblastic "
        "leukemia, meeting one of the following criteria: - i. Recurrence within 6 months. ii. "
        "Primary refractory disease. - iii. Failure to achieve CR. - B. Refractory/relapsed B-cell "
        "lymphoma"
    )
    items = parse_criteria(text)
    texts = [i.text for i in items]
    assert texts == [
        "Refractory/relapsed B-cell malignancies:",
        "Refractory/relapsed B-cell lymphoblastic leukemia, meeting one of the following criteria:",
        "Recurrence within 6 months.",
        "Primary refractory disease.",
        "Failure to achieve CR.",
        "Refractory/relapsed B-cell lymphoma",
    ]
    assert [i.parent for i in items] == [None, 0, 1, 1, 1, 0]
    assert items[1].group is not None and items[2].group == items[1].group


def test_mid_sentence_words_are_not_headings() -> None:
    items = parse_criteria(
        "- Patients who meet the inclusion criteria of the protocol\n"
        "- Other protocol-defined inclusion/exclusion may apply."
    )
    assert [i.kind for i in items] == ["inclusion", "inclusion"] and len(items) == 2
