"""Chinese-language criteria: the key facts read from Chinese words (cartnav.criteria.chinese),
merged with what the English extractors read from numbers and abbreviations."""

from __future__ import annotations

import pytest
from test_criteria_extract import Expect, check

from cartnav.criteria import parse_criteria
from cartnav.domain.criterion import ItemKind


@pytest.mark.parametrize(
    ("text", "kind", "expected", "absent"),
    [
        (
            "确诊为复发或难治性B细胞急性淋巴细胞白血病，CD19阳性",
            "inclusion",
            [
                ("disease", {"disease": "B-ALL"}),
                ("disease_status", {"status": "relapsed_or_refractory"}),
                ("antigen", {"antigen": "CD19", "expression": "positive"}),
            ],
            (),
        ),
        (
            "急性髓系白血病，第二次及以上复发",
            "inclusion",
            [
                ("disease", {"disease": "AML"}),
                ("disease_status", {"status": "second_or_later_relapse"}),
            ],
            (),
        ),
        (
            "异基因造血干细胞移植后复发",
            "inclusion",
            [("disease_status", {"status": "post_hsct"})],
            ("prior_therapy",),
        ),
        (
            "骨髓原始细胞≥5%",
            "inclusion",
            [("disease_status", {"status": "active_disease", "threshold": 5, "op": ">="})],
            (),
        ),
        (
            "总胆红素≤1.5倍正常值上限，肌酐清除率≥60 mL/min",
            "inclusion",
            [
                ("lab", {"analyte": "bilirubin", "op": "<=", "value": 1.5, "unit": "x_uln"}),
                ("lab", {"analyte": "creatinine_clearance", "op": ">=", "value": 60}),
            ],
            (),
        ),
        (
            "无活动性感染",
            "inclusion",
            [("condition", {"condition": "active_infection", "negated": True})],
            (),
        ),
        (
            "妊娠或哺乳期妇女",
            "exclusion",
            [
                ("condition", {"condition": "pregnancy"}),
                ("condition", {"condition": "breastfeeding"}),
            ],
            (),
        ),
        (
            "活动性乙型肝炎或丙型肝炎",
            "exclusion",
            [("condition", {"condition": "hbv"}), ("condition", {"condition": "hcv"})],
            (),
        ),
        (
            "既往接受过CAR-T细胞治疗者",
            "exclusion",
            [("prior_therapy", {"therapy": "car_t", "requirement": "excluded"})],
            (),
        ),
        (
            "入组前4周内接受过异基因造血干细胞移植",
            "exclusion",
            [("prior_therapy", {"therapy": "allo_hsct", "within_days": 28})],
            (),
        ),
        ("本研究CAR-T细胞回输后随访", "exclusion", [], ("prior_therapy",)),
        (
            "中枢神经系统白血病（CNS3）",
            "exclusion",
            [("condition", {"condition": "cns3"})],
            ("condition:cns_involvement",),
        ),
        ("非B细胞急性淋巴细胞白血病", "inclusion", [], ("disease",)),
    ],
)
def test_chinese_wordings(
    text: str, kind: ItemKind, expected: list[Expect], absent: tuple[str, ...]
) -> None:
    check(text, kind, expected, absent)


def test_a_chinese_criteria_text_is_split_by_section_and_read() -> None:
    text = (
        "入选标准：\n1. 年龄3-70岁；\n2. 复发难治B-ALL，CD19阳性；\n"
        "排除标准：\n1. 妊娠期妇女；\n2. 既往接受过CAR-T治疗。"
    )
    items = parse_criteria(text)
    assert [i.kind for i in items] == ["inclusion", "inclusion", "exclusion", "exclusion"]
    facts = [
        {
            (
                c.type,
                str(
                    c.attrs.get("status")
                    or c.attrs.get("condition")
                    or c.attrs.get("therapy")
                    or c.attrs.get("disease")
                    or ""
                ),
            )
            for c in i.constraints
        }
        for i in items
    ]
    assert ("age", "") in facts[0]
    assert {("disease_status", "relapsed_or_refractory"), ("disease", "B-ALL")} <= facts[1]
    assert ("condition", "pregnancy") in facts[2]
    assert ("prior_therapy", "car_t") in facts[3]
