"""Score ``cartnav.criteria`` against the hand-annotated criteria set.

Run from the repository root::

    .venv/bin/python bench/criteria_eval.py            # table per constraint type + split recall
    .venv/bin/python bench/criteria_eval.py --errors   # also list every mismatch
    .venv/bin/python bench/criteria_eval.py --check    # exit 1 when a target is missed
    .venv/bin/python bench/criteria_eval.py --json     # figures as JSON

The gold items live in ``tests/criteria/annotated/criteria_items.jsonl`` (see
``docs/criteria-annotation.md``); development rounds drawn from the registry's mixed studies
after that set was closed (to keep its CAR-T majority) are in ``criteria_items_registry.jsonl``
beside it (score them with ``--annotated``). Each item's text goes through
``extract_constraints(text, kind)``; predicted constraints are matched one-to-one to gold ones
of the same type on the type's key fields (``KEY_FIELDS``). ``unknown`` constraints are not
scored. Split recall: for every legacy-XML record (complete registry criteria), the share of
annotated items that ``parse_criteria(full_text)`` returns as an item with the same text
(modulo whitespace). That part needs the shared data (``--shared-dir`` or
``CARTNAV_SHARED_DIR``); without it the split figure is skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ANNOTATED = REPO / "tests" / "criteria" / "annotated" / "criteria_items.jsonl"
REGISTRY_ROUNDS = ANNOTATED.with_name("criteria_items_registry.jsonl")
DEFAULT_SHARED = Path(os.environ.get("CARTNAV_SHARED_DIR", REPO.parent / "shared"))

KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "age": ("min_years", "max_years"),
    "disease": ("disease", "negated"),
    "antigen": ("antigen", "expression"),
    "disease_status": ("status",),
    "prior_therapy": ("therapy", "requirement"),
    "performance": ("scale", "op", "value"),
    "lab": ("analyte", "op", "value", "unit"),
    "condition": ("condition",),
    "consent": (),
    "logistics": (),
}
SCORED_TYPES = tuple(KEY_FIELDS)
ALL_TYPES = (*SCORED_TYPES, "unknown")
OPS = (">=", ">", "<=", "<", "=")
CART_SOURCES = ("ctgov/cart_legacy_xml/", "cart_pages/")
SPLIT_SOURCE_PREFIX = "ctgov/cart_legacy_xml/"

TARGET_PRECISION = 0.95
TARGET_RECALL = 0.90
TARGET_MIN_TYPE_PRECISION = 0.85

# Spelling variants that mean the same value (compared after casefolding).
DISEASE_ALIASES = {
    "lymphoma": "nhl",
    "non-hodgkin lymphoma": "nhl",
    "b-nhl": "nhl",
    "myeloma": "mm",
    "multiple myeloma": "mm",
    "burkitt lymphoma": "burkitt",
    "hodgkin lymphoma": "hodgkin",
}
UNIT_ALIASES = {
    "%": "pct",
    "percent": "pct",
    "xuln": "x_uln",
    "uln": "x_uln",
    "mg/dl": "mg_dl",
    "umol/l": "umol_l",
    "µmol/l": "umol_l",
    "μmol/l": "umol_l",
    "ml/min": "ml_min",
    "ml/min/1.73m2": "ml_min",
    "ml_min_1_73m2": "ml_min",
    "g/l": "g_l",
    "g/dl": "g_dl",
    "x10^9/l": "10e9_l",
    "10^9/l": "10e9_l",
    "10e9/l": "10e9_l",
    "x10e9_l": "10e9_l",
    "10^9_l": "10e9_l",
    "/ul": "per_ul",
    "/µl": "per_ul",
    "/μl": "per_ul",
    "cells/ul": "per_ul",
    "/mm3": "per_ul",
    "per_mm3": "per_ul",
    "msec": "ms",
}


# ---------------------------------------------------------------- loading


def load_items(path: Path = ANNOTATED) -> list[dict[str, Any]]:
    """The annotated items, one JSON object per line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def is_cart_source(source: str) -> bool:
    return source.startswith(CART_SOURCES)


def _xml_criteria(path: Path) -> str:
    block = ET.parse(path).getroot().find("eligibility/criteria/textblock")
    return block.text or "" if block is not None else ""


def load_source_texts(shared_data: Path, source: str) -> dict[str, str]:
    """Criteria text per NCT id of one annotated ``source`` (a path under ``shared/data``).

    The text is the decoded criteria as the registry gives it (XML textblock, JSON string), so an
    item's ``text`` must be a substring of it.
    """
    path = shared_data / source
    if source.startswith(SPLIT_SOURCE_PREFIX):
        return {path.stem: _xml_criteria(path)}
    out: dict[str, str] = {}
    if source == "cart_pages/cart_trials.jsonl":
        for obj in _json_lines(path):
            out[obj["nct_id"]] = obj.get("eligibility_criteria") or ""
    elif source == "ctgov/ctgov_v2_studies.jsonl.gz":
        for obj in _json_lines(path):
            proto = obj["protocolSection"]
            nct = proto["identificationModule"]["nctId"]
            out[nct] = proto.get("eligibilityModule", {}).get("eligibilityCriteria", "")
    elif source == "ctgov/trec2022_trialgpt_subset/corpus.jsonl.gz":
        for obj in _json_lines(path):
            meta = obj.get("metadata", {})
            parts = [meta.get("inclusion_criteria", ""), meta.get("exclusion_criteria", "")]
            out[obj["_id"]] = "\n".join(parts)
    else:
        raise ValueError(f"unknown annotated source {source!r}")
    return out


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


# ---------------------------------------------------------------- matching


def _num_equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return math.isclose(x, y, rel_tol=1e-3, abs_tol=1e-9)


def _norm_str(value: Any) -> str:
    return " ".join(str(value).casefold().split()) if value is not None else ""


def _norm_disease(value: Any) -> str:
    text = _norm_str(value)
    return DISEASE_ALIASES.get(text, text)


def _norm_antigen(value: Any) -> str:
    return _norm_str(value).replace("-", "").replace(" ", "")


def _norm_unit(value: Any) -> str:
    text = _norm_str(value).replace(" ", "")
    return UNIT_ALIASES.get(text, text)


def _perf_bound(c: Mapping[str, Any]) -> tuple[str, Any]:
    """ECOG is an integer scale: ``< 2`` and ``<= 1`` say the same."""
    op, value = c.get("op"), c.get("value")
    if _norm_str(c.get("scale")) == "ecog" and isinstance(value, int | float):
        if op == "<":
            return "<=", float(value) - 1
        if op == ">":
            return ">=", float(value) + 1
    return str(op), value


def constraints_match(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """True when ``pred`` states the same as ``gold`` on the key fields of its type."""
    kind = gold.get("type")
    if kind != pred.get("type") or kind not in KEY_FIELDS:
        return False
    if kind == "age":
        return _num_equal(gold.get("min_years"), pred.get("min_years")) and _num_equal(
            gold.get("max_years"), pred.get("max_years")
        )
    if kind == "disease":
        return _norm_disease(gold.get("disease")) == _norm_disease(pred.get("disease")) and bool(
            gold.get("negated", False)
        ) == bool(pred.get("negated", False))
    if kind == "antigen":
        return _norm_antigen(gold.get("antigen")) == _norm_antigen(pred.get("antigen")) and (
            _norm_str(gold.get("expression", "positive"))
            == _norm_str(pred.get("expression", "positive"))
        )
    if kind == "disease_status":
        return _norm_str(gold.get("status")) == _norm_str(pred.get("status"))
    if kind == "prior_therapy":
        return _norm_str(gold.get("therapy")) == _norm_str(pred.get("therapy")) and _norm_str(
            gold.get("requirement")
        ) == _norm_str(pred.get("requirement"))
    if kind == "performance":
        g_op, g_val = _perf_bound(gold)
        p_op, p_val = _perf_bound(pred)
        return (
            _norm_str(gold.get("scale")) == _norm_str(pred.get("scale"))
            and g_op == p_op
            and _num_equal(g_val, p_val)
        )
    if kind == "lab":
        unit_ok = gold.get("unit") is None or _norm_unit(gold.get("unit")) == _norm_unit(
            pred.get("unit")
        )
        return (
            _norm_str(gold.get("analyte")) == _norm_str(pred.get("analyte"))
            and gold.get("op") == pred.get("op")
            and _num_equal(gold.get("value"), pred.get("value"))
            and unit_ok
        )
    if kind == "condition":
        return _norm_str(gold.get("condition")) == _norm_str(pred.get("condition"))
    return True  # consent, logistics: the type alone


@dataclass
class ItemResult:
    """One item's outcome: matched pairs and what was left over on each side."""

    item: Mapping[str, Any]
    matched: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)  # gold without a prediction
    extra: list[dict[str, Any]] = field(default_factory=list)  # predictions without gold
    error: str | None = None


def match_item(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One-to-one matching of scored constraints; ``unknown`` (and unknown types) ignored."""
    gold_s = [dict(g) for g in gold if g.get("type") in KEY_FIELDS]
    pred_s = [dict(p) for p in pred if p.get("type") in KEY_FIELDS]
    free = list(range(len(pred_s)))
    matched: list[tuple[dict[str, Any], dict[str, Any]]] = []
    missed: list[dict[str, Any]] = []
    for g in gold_s:
        hit = next((i for i in free if constraints_match(g, pred_s[i])), None)
        if hit is None:
            missed.append(g)
        else:
            free.remove(hit)
            matched.append((g, pred_s[hit]))
    return matched, missed, [pred_s[i] for i in free]


@dataclass
class TypeScore:
    support: int = 0  # gold constraints
    predicted: int = 0
    matched: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.support if self.support else None


def score(results: Iterable[ItemResult]) -> dict[str, TypeScore]:
    """Per-type and ``overall`` counts over item results."""
    table = {t: TypeScore() for t in (*SCORED_TYPES, "overall")}
    for res in results:
        for g, _p in res.matched:
            table[g["type"]].matched += 1
            table[g["type"]].support += 1
            table[g["type"]].predicted += 1
        for g in res.missed:
            table[g["type"]].support += 1
        for p in res.extra:
            table[p["type"]].predicted += 1
    total = table["overall"]
    for name in SCORED_TYPES:
        total.support += table[name].support
        total.predicted += table[name].predicted
        total.matched += table[name].matched
    return table


def target_failures(table: Mapping[str, TypeScore]) -> list[str]:
    """Human-readable list of missed targets (empty when all are met)."""
    fails: list[str] = []
    overall = table["overall"]
    p, r = overall.precision or 0.0, overall.recall or 0.0
    if p < TARGET_PRECISION:
        fails.append(f"overall precision {p:.3f} < {TARGET_PRECISION}")
    if r < TARGET_RECALL:
        fails.append(f"overall recall {r:.3f} < {TARGET_RECALL}")
    for name in SCORED_TYPES:
        tp = table[name].precision
        if tp is not None and tp < TARGET_MIN_TYPE_PRECISION:
            fails.append(f"{name} precision {tp:.3f} < {TARGET_MIN_TYPE_PRECISION}")
    return fails


# ---------------------------------------------------------------- running the parser

Extractor = Callable[[str, str], Sequence[Mapping[str, Any]]]


def constraint_to_dict(constraint: Any) -> dict[str, Any]:
    """A ``cartnav.domain.criterion.Constraint`` (or a mapping) as a flat dict."""
    if isinstance(constraint, Mapping):
        return dict(constraint)
    out: dict[str, Any] = {"type": constraint.type, **dict(constraint.attrs)}
    if getattr(constraint, "alternative", None) is not None:
        out["alternative"] = constraint.alternative
    return out


def cartnav_extractor() -> Extractor:
    from cartnav.criteria import extract_constraints

    def run(text: str, kind: str) -> list[dict[str, Any]]:
        return [constraint_to_dict(c) for c in extract_constraints(text, kind)]  # type: ignore[arg-type]

    return run


def evaluate(items: Sequence[Mapping[str, Any]], extractor: Extractor) -> list[ItemResult]:
    results: list[ItemResult] = []
    for item in items:
        try:
            pred = [constraint_to_dict(c) for c in extractor(item["text"], item["kind"])]
            error = None
        except Exception as exc:  # the parser is meant to be total; report, do not stop
            pred, error = [], f"{type(exc).__name__}: {exc}"
        matched, missed, extra = match_item(item["constraints"], pred)
        results.append(ItemResult(item, matched, missed, extra, error))
    return results


def split_recall(
    items: Sequence[Mapping[str, Any]],
    shared_data: Path,
    parse: Callable[[str], Sequence[Any]] | None = None,
) -> tuple[int, int, list[Mapping[str, Any]]]:
    """(found, total, not found) over annotated items from the complete legacy-XML records."""
    if parse is None:
        from cartnav.criteria import parse_criteria

        parse = parse_criteria
    by_source: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        if item["source"].startswith(SPLIT_SOURCE_PREFIX):
            by_source.setdefault(item["source"], []).append(item)
    found, lost = 0, []
    for source, group in sorted(by_source.items()):
        full = next(iter(load_source_texts(shared_data, source).values()))
        texts = {" ".join(getattr(it, "text", "").split()) for it in parse(full)}
        for item in group:
            if " ".join(item["text"].split()) in texts:
                found += 1
            else:
                lost.append(item)
    return found, found + len(lost), lost


# ---------------------------------------------------------------- report


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _short(c: Mapping[str, Any]) -> str:
    keys = KEY_FIELDS.get(str(c.get("type")), ())
    fields = " ".join(f"{k}={c.get(k)}" for k in keys)
    return f"{c.get('type')}({fields})" if fields else str(c.get("type"))


def render_table(table: Mapping[str, TypeScore]) -> str:
    head = f"{'type':<16}{'support':>8}{'predicted':>10}{'matched':>8}"
    lines = [head + f"{'precision':>10}{'recall':>8}"]
    for name in (*SCORED_TYPES, "overall"):
        s = table[name]
        if name == "overall":
            lines.append("-" * 60)
        lines.append(
            f"{name:<16}{s.support:>8}{s.predicted:>10}{s.matched:>8}"
            f"{_fmt(s.precision):>10}{_fmt(s.recall):>8}"
        )
    return "\n".join(lines)


def error_summary(results: Iterable[ItemResult], top: int = 15) -> str:
    """The most frequent missed and extra constraints, by type and first key field."""
    missed: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for res in results:
        missed.update(_label(g) for g in res.missed)
        extra.update(_label(p) for p in res.extra)
    lines = ["most frequent misses (gold not predicted):"]
    lines += [f"  {n:4d}  {label}" for label, n in missed.most_common(top)]
    lines.append("most frequent extras (predicted, not in gold):")
    lines += [f"  {n:4d}  {label}" for label, n in extra.most_common(top)]
    return "\n".join(lines)


def _label(c: Mapping[str, Any]) -> str:
    keys = KEY_FIELDS.get(str(c.get("type")), ())
    return f"{c.get('type')}:{c.get(keys[0])}" if keys else str(c.get("type"))


def render_errors(results: Iterable[ItemResult]) -> str:
    out: list[str] = []
    for res in results:
        if not (res.missed or res.extra or res.error):
            continue
        item = res.item
        text = " ".join(item["text"].split())
        out.append(f"{item.get('id', '?')} {item['nct_id']} {item['kind']}: {text[:160]}")
        out.extend(f"    missed  {_short(g)}" for g in res.missed)
        out.extend(f"    extra   {_short(p)}" for p in res.extra)
        if res.error:
            out.append(f"    error   {res.error}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--annotated", type=Path, default=ANNOTATED)
    ap.add_argument("--shared-dir", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--errors", action="store_true", help="list every mismatch")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    items = load_items(args.annotated)
    extractor = cartnav_extractor()
    started = time.perf_counter()
    results = evaluate(items, extractor)
    elapsed = time.perf_counter() - started
    table = score(results)
    fails = target_failures(table)
    errors = [r for r in results if r.error]

    shared_data = args.shared_dir / "data"
    split: tuple[int, int, list[Mapping[str, Any]]] | None = None
    if shared_data.is_dir():
        split = split_recall(items, shared_data)

    n_trials = len({i["nct_id"] for i in items})
    n_cart = sum(1 for i in items if is_cart_source(i["source"]))
    import cartnav.criteria

    version = str(getattr(cartnav.criteria, "PARSER_VERSION", "?"))
    if args.json:
        figures: dict[str, Any] = {
            "items": len(items),
            "trials": n_trials,
            "cart_items": n_cart,
            "parser_version": version,
            "types": {
                name: {
                    "support": s.support,
                    "predicted": s.predicted,
                    "matched": s.matched,
                    "precision": s.precision,
                    "recall": s.recall,
                }
                for name, s in table.items()
            },
            "targets_missed": fails,
            "parser_errors": len(errors),
            "split": None if split is None else {"found": split[0], "total": split[1]},
        }
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"criteria extraction vs annotated set: {len(items)} items, {n_trials} trials "
            f"({n_cart} items from CAR-T trials); parser {version}; "
            f"{elapsed * 1000 / max(len(items), 1):.2f} ms/item"
        )
        print(render_table(table))
        print(
            f"targets: overall precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL}, "
            f"every type precision >= {TARGET_MIN_TYPE_PRECISION}: "
            + ("met" if not fails else "MISSED (" + "; ".join(fails) + ")")
        )
        if errors:
            print(f"parser raised on {len(errors)} items (see --errors)")
        if split is None:
            print(f"split recall: skipped ({shared_data} not found)")
        elif split[1] == 0:
            print("split recall: no legacy XML items in this set")
        else:
            found, total, _lost = split
            print(
                f"split recall (legacy XML records, annotated items found as parsed items): "
                f"{found}/{total} = {found / max(total, 1):.3f}"
            )
        cart = score(r for r in results if is_cart_source(r.item["source"]))["overall"]
        print(
            f"CAR-T items only: precision {_fmt(cart.precision).strip()}, "
            f"recall {_fmt(cart.recall).strip()} (support {cart.support})"
        )
        if args.errors:
            print()
            print(error_summary(results))
            print("\nmismatches (gold missed / predicted extra):")
            print(render_errors(results))
            if split is not None and split[2]:
                print("\nannotated items not found by parse_criteria:")
                for item in split[2]:
                    text = " ".join(item["text"].split())
                    print(f"  {item.get('id', '?')} {item['nct_id']}: {text[:140]}")
    return 1 if (args.check and fails) else 0


if __name__ == "__main__":
    sys.exit(main())
