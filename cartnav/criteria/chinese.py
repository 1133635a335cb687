"""The key facts of Chinese-language criteria (中国临床试验注册中心 and Chinese sponsors' texts).

The English extractors already read numbers, ages with 岁, ECOG/KPS, antigen names with 阳性 /
阴性 and the English abbreviations Chinese texts keep (CD19, HIV, ALT, CNS3). This module adds the
Chinese words for the facts that decide CAR-T and leukaemia trials: the disease, its status,
pregnancy, hepatitis, infection, GVHD, CNS leukaemia, a prior CAR-T or transplant, and the
laboratory limits ("总胆红素≤1.5倍正常值上限"). What it cannot place stays with the English
extractors, or unknown.

A term right after a negation (无, 非, 未, 没有, 不) is left out rather than turned around, except
where the negated form is the fact ("无活动性感染" in an inclusion item: no active infection).
"""

from __future__ import annotations

import re
from typing import Any

from cartnav.criteria.units import clean_value, parse_number
from cartnav.domain.criterion import Constraint

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_NEGATION_BEFORE_RE = re.compile(r"(?:无|非|未|没有|不)[^，,；;。]{0,2}$")

# (constraint type, attributes, pattern), most specific first within a type
_TERMS: list[tuple[str, dict[str, Any], str]] = [
    ("disease", {"disease": "B-ALL"}, r"b\s*(?:细胞|系)?\s*(?:急性)?淋巴细胞(?:性)?白血病|b-?all"),
    ("disease", {"disease": "T-ALL"}, r"t\s*(?:细胞|系)?\s*(?:急性)?淋巴细胞(?:性)?白血病"),
    ("disease", {"disease": "ALL"}, r"急性淋巴(?:细胞|母细胞)(?:性)?白血病"),
    ("disease", {"disease": "AML"}, r"急性髓(?:系|细胞|性)(?:性)?白血病"),
    ("disease", {"disease": "MM"}, r"多发性骨髓瘤"),
    ("disease", {"disease": "DLBCL"}, r"弥漫大\s*b\s*细胞淋巴瘤"),
    ("disease", {"disease": "NHL"}, r"非霍奇金淋巴瘤|b\s*细胞淋巴瘤"),
    ("disease", {"disease": "Burkitt"}, r"伯基特|burkitt"),
    ("disease_status", {"status": "post_hsct"}, r"(?:造血干细胞)?移植后(?:复发|再次复发)"),
    (
        "disease_status",
        {"status": "second_or_later_relapse"},
        r"(?:第)?(?:二|2)次(?:及以上|或以上|以上)?复发|(?:≥|>=)\s*2\s*次复发|多次复发",
    ),
    (
        "disease_status",
        {"status": "relapsed_or_refractory"},
        r"复发(?:或|/|、)?难治|难治(?:或|/|、)复发",
    ),
    ("disease_status", {"status": "primary_refractory"}, r"原发(?:性)?难治|诱导(?:治疗)?失败"),
    ("disease_status", {"status": "refractory"}, r"难治"),
    ("disease_status", {"status": "isolated_extramedullary"}, r"孤立性?髓外(?:复发)?"),
    ("disease_status", {"status": "extramedullary"}, r"髓外(?:复发|病变|浸润)"),
    ("disease_status", {"status": "relapsed"}, r"复发"),
    ("condition", {"condition": "pregnancy"}, r"妊娠|怀孕|孕妇"),
    ("condition", {"condition": "breastfeeding"}, r"哺乳"),
    ("condition", {"condition": "hbv"}, r"乙型(?:病毒性)?肝炎|乙肝|hbsag"),
    ("condition", {"condition": "hcv"}, r"丙型(?:病毒性)?肝炎|丙肝"),
    ("condition", {"condition": "hiv"}, r"艾滋病|人类免疫缺陷病毒"),
    ("condition", {"condition": "syphilis"}, r"梅毒"),
    (
        "condition",
        {"condition": "uncontrolled_infection"},
        r"(?:未|无法|不能)控制的?(?:活动性)?感染",
    ),
    ("condition", {"condition": "active_infection"}, r"活动性感染|严重感染"),
    ("condition", {"condition": "active_gvhd"}, r"活动性?(?:的)?(?:移植物抗宿主病|gvhd)"),
    ("condition", {"condition": "cns3"}, r"cns\s*-?\s*3"),
    ("condition", {"condition": "cns_involvement"}, r"中枢神经系统(?:白血病|受累|浸润)"),
    ("condition", {"condition": "seizure_disorder"}, r"癫痫"),
    ("condition", {"condition": "other_malignancy"}, r"其他恶性肿瘤|第二(?:原发)?恶性肿瘤"),
    ("condition", {"condition": "autoimmune_disease"}, r"自身免疫(?:性)?疾病"),
    ("condition", {"condition": "cardiac_disease"}, r"心力衰竭|心肌梗死|心律失常|严重心脏病"),
    ("consent", {}, r"知情同意"),
]
_COMPILED = [(kind, attrs, re.compile(pattern)) for kind, attrs, pattern in _TERMS]

_PRIOR_RE = re.compile(r"(?:既往|曾经?|之前|先前|接受过|使用过|用过)[^，,；;。]{0,8}?$")
_THERAPIES: list[tuple[str, re.Pattern[str]]] = [
    ("car_t", re.compile(r"car-?\s?t|嵌合抗原受体")),
    ("allo_hsct", re.compile(r"异基因(?:造血干细胞)?移植")),
    ("auto_hsct", re.compile(r"自体(?:造血干细胞)?移植")),
    ("hsct", re.compile(r"造血干细胞移植")),
    ("gene_therapy", re.compile(r"基因治疗")),
]
_WITHIN_RE = re.compile(r"(\d+)\s*(天|日|周|个月|月)(?:内|以内)")
_DAYS_PER = {"天": 1, "日": 1, "周": 7, "个月": 30, "月": 30}

_ANALYTES: list[tuple[str, str]] = [
    ("creatinine_clearance", r"肌酐清除率"),
    ("creatinine", r"(?:血清)?肌酐"),
    ("bilirubin", r"(?:总)?胆红素"),
    ("alt", r"谷丙转氨酶|丙氨酸(?:氨基)?转氨酶"),
    ("ast", r"谷草转氨酶|天门冬氨酸(?:氨基)?转氨酶"),
    ("lvef", r"(?:左室|左心室)?射血分数"),
    ("spo2", r"(?:血氧饱和度|指脉氧)"),
]
_ANALYTE_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _ANALYTES))
_VALUE_RE = re.compile(
    r"\s*(?:\([^()]{0,12}\)\s*)?(?:应|须|需)?\s*(?P<op>≤|<=|≥|>=|<|>|不超过|不高于|不低于|低于|高于|小于|大于)"
    r"\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>倍(?:正常值?)?(?:上限|uln)?|x\s*uln|×\s*uln|%|"
    r"ml/min(?:/1\.73\s*m2)?|[uμµ]mol/l|mg/dl)?"
)
_OPS = {
    "≤": "<=",
    "<=": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "≥": ">=",
    ">=": ">=",
    "不低于": ">=",
    "<": "<",
    "低于": "<",
    "小于": "<",
    ">": ">",
    "高于": ">",
    "大于": ">",
}
_BLASTS_RE = re.compile(
    r"(?:原始|幼稚)(?:细胞|淋巴细胞)[^，,；;。]{0,6}?(?P<op>≥|>=|>|<|≤)\s*(?P<num>\d+(?:\.\d+)?)\s*%"
)
_MRD_RE = re.compile(r"(?:微小残留病|微小残留|mrd)(?:灶)?\s*(?:阳性|≥|>|持续)")


def has_chinese(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def find_chinese(folded: str, kind: str) -> list[Constraint]:
    """Constraints read from the Chinese words of ``folded`` (see the module docstring)."""
    out: list[Constraint] = []
    taken: list[tuple[int, int]] = []
    seen: set[tuple[str, str]] = set()

    def add(ctype: str, attrs: dict[str, Any], span: tuple[int, int]) -> None:
        key = (ctype, str(sorted(attrs.items())))
        if key in seen:
            return
        seen.add(key)
        taken.append(span)
        out.append(Constraint(ctype, attrs, span))

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for ctype, attrs, rx in _COMPILED:
        for m in rx.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            negated = _NEGATION_BEFORE_RE.search(folded, max(0, m.start() - 4), m.start())
            if negated and ctype != "condition":
                taken.append((m.start(), m.end()))
                continue
            found = dict(attrs)
            if ctype == "condition":
                found["negated"] = bool(negated)
            elif ctype == "disease":
                found["negated"] = False
            add(ctype, found, (m.start(), m.end()))
    out += _therapies(folded, kind, taken)
    out += _labs(folded)
    blasts = _BLASTS_RE.search(folded)
    if blasts is not None:
        value = clean_value(parse_number(blasts.group("num")))
        attrs = {"status": "active_disease", "threshold": value, "unit": "pct"}
        attrs["op"] = _OPS[blasts.group("op")]
        add("disease_status", attrs, (blasts.start(), blasts.end()))
    mrd = _MRD_RE.search(folded)
    if mrd is not None:
        add("disease_status", {"status": "mrd_positive"}, (mrd.start(), mrd.end()))
    return out


def _therapies(folded: str, kind: str, taken: list[tuple[int, int]]) -> list[Constraint]:
    out: list[Constraint] = []
    names: set[str] = set()
    for name, rx in _THERAPIES:
        for m in rx.finditer(folded):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue  # "移植后复发": the relapse after a transplant is the status
            if not _PRIOR_RE.search(folded, max(0, m.start() - 12), m.start()):
                continue  # the study's own CAR-T, or a transplant named in passing
            taken.append((m.start(), m.end()))
            if name in names or (name == "hsct" and names & {"allo_hsct", "auto_hsct"}):
                continue
            names.add(name)
            attrs: dict[str, Any] = {
                "therapy": name,
                "requirement": "excluded" if kind == "exclusion" else "required",
                "within_days": None,
            }
            within = _WITHIN_RE.search(folded, m.end(), min(len(folded), m.end() + 20))
            within = within or _WITHIN_RE.search(folded, max(0, m.start() - 20), m.start())
            if within is not None:
                attrs["requirement"] = "excluded"
                attrs["within_days"] = int(within.group(1)) * _DAYS_PER[within.group(2)]
            out.append(Constraint("prior_therapy", attrs, (m.start(), m.end())))
    return out


def _labs(folded: str) -> list[Constraint]:
    out: list[Constraint] = []
    for m in _ANALYTE_RE.finditer(folded):
        analyte = m.lastgroup or ""
        value = _VALUE_RE.match(folded, m.end())
        if value is None:
            continue
        unit = _unit(analyte, value.group("unit"))
        if unit is None:
            continue
        attrs = {
            "analyte": analyte,
            "op": _OPS[value.group("op")],
            "value": clean_value(parse_number(value.group("num"))),
            "unit": unit,
        }
        out.append(Constraint("lab", attrs, (m.start(), value.end())))
    return out


def _unit(analyte: str, raw: str | None) -> str | None:
    if raw is None:
        return "pct" if analyte in ("lvef", "spo2") else None
    raw = raw.replace(" ", "")
    if raw.startswith("倍") or raw.endswith("uln"):
        return "x_uln"
    if raw == "%":
        return "pct"
    if raw.startswith("ml/min"):
        return "ml_min"
    if raw.endswith("mol/l"):
        return "umol_l"
    return "mg_dl" if raw == "mg/dl" else None
