"""The assessment as plain text for a person: the answer, why, products, cautions, sources."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from cartnav.assessment.family_facts import outcome_line, price_line
from cartnav.assessment.model import Assessment, Finding, ProductFit
from cartnav.assessment.rules import rule
from cartnav.domain.verdict import Verdict

WIDTH = 92
LEVEL_WORDS = {
    "standard_option": "STANDARD OPTION",
    "consider": "CONSIDER",
    "not_indicated_now": "NOT INDICATED NOW",
    "insufficient_information": "INSUFFICIENT INFORMATION",
}
VERDICT_MARKS = {
    Verdict.MET: "yes",
    Verdict.NOT_MET: "no",
    Verdict.UNKNOWN: "unknown",
    Verdict.NOT_APPLICABLE: "n/a",
}
BASIS_WORDS = {
    "option": "as asked with --region",
    "residence": "from the country of residence",
    "default": "the default: no supported region of residence given",
}
NOTE = (
    "This is decision support, not a diagnosis or a treatment recommendation. Labels, trials and "
    "the patient's situation change: discuss it with the treating team."
)
FIELD_WORDS = {
    "history": "the course of treatment (inductions, relapses, transplants, CAR-T)",
    "diagnosis.disease": "the disease, with its lineage (B-cell or T-cell ALL)",
    "diagnosis.date": "the date of diagnosis",
    "markers.CD19": "whether the leukemia is CD19-positive",
    "current.mrd": "MRD (measurable residual disease) after re-induction",
    "current.hsct_eligible": "whether an allogeneic transplant is possible",
}
_EVENT_FIELD = re.compile(r"^history\[(\d+)\]\.(\w+)$")
_EVENT_WORDS = {
    "on_therapy": "whether the relapse in history[{i}] happened during treatment",
    "date": "the date of history[{i}]",
    "site": "the site of the relapse in history[{i}]",
    "donor": "the donor type (allogeneic or autologous) of the transplant in history[{i}]",
}


def describe_field(path: str) -> str:
    """A field path of ``missing_information`` in plain words."""
    if path in FIELD_WORDS:
        return FIELD_WORDS[path]
    match = _EVENT_FIELD.match(path)
    if match and match.group(2) in _EVENT_WORDS:
        return _EVENT_WORDS[match.group(2)].format(i=match.group(1))
    return path


def render_text(assessment: Assessment) -> str:
    """The readable explanation printed by ``cartnav assess`` (without ``--json``)."""
    sources: dict[str, int] = {}
    lines: list[str] = []

    def cite(source: str) -> str:
        number = sources.setdefault(source, len(sources) + 1)
        return f"[{number}]"

    def para(text: str, indent: str = "", first: str | None = None) -> None:
        lead = indent if first is None else first
        lines.extend(
            textwrap.wrap(
                text,
                WIDTH,
                initial_indent=lead,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [lead.rstrip()]
        )

    a = assessment
    lines.append(f"cartnav assessment for {a.region_name} ({BASIS_WORDS[a.region_basis]})")
    lines.append(
        f"Facts as of {a.facts_as_of.isoformat()}; assessed on {a.as_of.isoformat()}; "
        f"knowledge checked up to {a.knowledge_version}."
    )
    lines.append("")
    para(f"Answer: {LEVEL_WORDS[a.level]}. {a.summary}")
    lines.append("")
    state = a.disease_state.code.replace("_", " ")
    lines.append(f"Disease: {a.disease or 'not given'}. Course of treatment: {state}.")
    lines.append("")

    lines.append("Why:")
    for finding in _why(a.explanation):
        mark = VERDICT_MARKS[finding.verdict]
        text = f"{finding.reason} ({finding.rule}: {mark}) {cite(finding.source)}"
        if finding.unconfirmed:
            text += f" UNCONFIRMED: {finding.unconfirmed}"
        para(text, "    ", "  - ")
    lines.append("")

    if a.products:
        lines.append(f"Approved CAR-T products for {a.disease} in {a.region_name}:")
        for product in a.products:
            _product(product, para, cite)
        lines.append("")
    elif a.disease:
        para(f"No CAR-T product is approved for {a.disease} in {a.region_name}.")
        lines.append("")

    lines.append("Cautions for the treating team:")
    if a.cautions:
        for caution in a.cautions:
            para(f"{caution.message} {cite(caution.source)}", "    ", "  - ")
    else:
        lines.append("  - none found in the facts given")
    not_recorded = [
        rule(f.rule).title
        for f in a.explanation
        if f.rule.startswith("caution.") and f.verdict is Verdict.UNKNOWN
    ]
    if not_recorded:
        para(f"Not recorded, so not checked: {'; '.join(not_recorded)}.", "    ", "  ")
    lines.append("")

    if a.missing_information:
        lines.append("What is missing (it could change the answer):")
        for path in a.missing_information:
            para(f"{describe_field(path)} (profile field '{path}')", "    ", "  - ")
        lines.append("")

    if a.outcomes or a.prices:
        lines.append("Results and costs families ask about (for the products whose label fits):")
        for outcome in a.outcomes:
            refs = " ".join(cite(str(src.url)) for src in outcome.sources)
            para(f"{outcome_line(outcome)} {refs}", "    ", "  - ")
        for price in a.prices:
            refs = " ".join(cite(str(src.url)) for src in price.sources)
            flag = "" if price.confirmed else " (UNCONFIRMED)"
            para(f"Price: {price_line(price)}{flag} {refs}", "    ", "  - ")
        para(
            "Results come from study groups, not from this patient; prices change over time.",
            "    ",
            "  ",
        )
        lines.append("")

    if a.elsewhere:
        lines.append("Where else an approved label fits (for families who can travel):")
        for place in a.elsewhere:
            names = [f"{n} (UNCONFIRMED)" if n in place.unconfirmed else n for n in place.inn]
            lines.append(f"  - {place.region}: {', '.join(names)}")
        lines.append("")

    lines.append("Sources:")
    for source, number in sources.items():
        para(source, "       ", f"  [{number}] ")
    lines.append("")
    para(NOTE)
    return "\n".join(lines) + "\n"


def _why(findings: tuple[Finding, ...]) -> list[Finding]:
    """Findings that explain the answer: disease, course, relapse features, level."""
    keep: list[Finding] = []
    for finding in findings:
        prefix = finding.rule.split(".", 1)[0]
        if prefix in {"disease", "disease_state", "level"} or (
            prefix == "relapse" and finding.verdict is not Verdict.NOT_APPLICABLE
        ):
            keep.append(finding)
    return keep


def _product(
    product: ProductFit, para: Callable[[str, str, str], None], cite: Callable[[str], str]
) -> None:
    fit = "ON LABEL" if product.label_fit == "on_label" else "not on label"
    if not product.assessed:
        fit = "listed, not assessed"
    name = f"{product.brand} ({product.inn})" if product.inn else product.brand
    flag = " [UNCONFIRMED]" if not product.confirmed else ""
    para(f"{name}, {product.agency}, approved {product.approval_date}: {fit}{flag}", "    ", "  * ")
    para(f'Label: "{product.label_text}" {cite(product.source)}', "      ", "    ")
    for reason in product.reasons:
        para(reason, "        ", "    - ")
