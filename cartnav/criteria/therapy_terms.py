"""The prior-therapy vocabulary: one pattern per therapy token, the word prefixes that can
trigger it (see :mod:`cartnav.criteria.gates`) and literal pieces checked before the regex runs.

Each entry says whether the therapy is only read with a washout or an explicit cue ("strict"):
chemotherapy or steroids named in passing are not prior-therapy statements.
"""

from __future__ import annotations

import re

from cartnav.criteria.drug_names import CHEMO_DRUG_PREFIXES as _CHEMO_DRUG_PREFIXES
from cartnav.criteria.drug_names import CHEMO_DRUGS as _CHEMO_DRUGS
from cartnav.criteria.gates import TermIndex
from cartnav.criteria.prefilter import with_first_chars

_DRUG_NAMES = r"\b(?:" + "|".join(re.escape(drug) for drug in _CHEMO_DRUGS) + ")"
_TX = r"(?:transplant\w*|hsct|hct|sct|bmt)\b"
_STEM = (
    r"(?:hematopoietic\s+|haematopoietic\s+|haemopoietic\s+|hemopoietic\s+)?"
    r"(?:stem\s+cells?\s+|bone\s+marrow\s+|cell\s+|progenitor\s+cell\s+)?"
)
# immunosuppressants (calcineurin and mTOR inhibitors of GVHD regimens, antimetabolites of
# autoimmune care, TNF blockers) named alone
_IMMUNOSUPPRESSANTS = (
    r"\bc[iy]closporin[e]?\b|\btacrolimus\b|\bsirolimus\b|\brapamycin\b|\bvoclosporin\b|"
    r"\bmycophenol\w*|\bazathioprine\b|\bleflunomide\b|calcineurin\s+inhibitors?|"
    r"\banakinra\b|\bcanakinumab\b|(?:interleukin|\bil)-?\s*1\s*(?:\(il-?1\)\s*)?inhibitors?|"
    r"\betanercept\b|\binfliximab\b|\badalimumab\b|\btnf[-\s]?(?:alpha|α)?\s*(?:inhibitors?|blockers?)"
)
# kinase inhibitors named by their target; the text also needs the word "inhibitor"
KINASE_CLASS = (
    r"\b(?:v?egfr(?:-?\d)?|alk|ros-?1|jak|flt-?3|bcr-?abl|(?:multi-?\s*)?kinase)"
    r"[-\s]+inhibitors?\b|"
    # "an antiangiogenetic agent targeting VEGFR", "drugs that target EGFR exon 20 insertions"
    r"\b(?:agents?|drugs?|inhibitors?)\s+(?:that\s+)?target(?:ing|s)?\s+(?:the\s+)?"
    r"(?:v?egfr|alk|ros-?1)\b"
)
_TERMS: list[tuple[str, str, bool]] = [  # (therapy, pattern, needs a washout or explicit cue)
    (
        "car_t",
        r"\bcar(?:[- ]?|\+\s*)t\b(?:[- ]cells?)?|\bcar[- ]nk\b|"
        r"chimeric\s+antigen\s+receptor(?:[- ]\w+)?|"
        r"\bcart\b|\bcar\s+(?:t[- ]?)?(?:cells?|therapy)|cd19[- ]?car\b|\bctl019\b|"
        r"tisagenlecleucel|axicabtagene|brexucabtagene|lisocabtagene|obecabtagene|kymriah|"
        r"yescarta|tecartus|breyanzi",
        False,
    ),
    (
        "cd19_directed",
        r"anti-?\s*cd19(?:\s*(?:/|or)\s*anti-?\s*cd3)?(?:\s+(?:therapy|therapies|agents?|"
        r"antibod\w+|treatment))?|cd19(?:\s*(?:/|or|and)\s*cd22)?[- ](?:directed|targeted|"
        r"targeting|specific)(?:\s+(?:monoclonal\s+)?(?:therapy|therapies|agents?|treatment|antibod\w+))?|"
        r"targeting\s+cd19",
        False,
    ),
    (
        "cd22_directed",
        r"anti-?\s*cd22(?:\s+(?:therapy|therapies|agents?|antibod\w+|treatment))?|"
        r"cd22[- ](?:directed|targeted|targeting)(?:\s+(?:therapy|therapies|agents?|treatment))?",
        False,
    ),
    ("blinatumomab", r"blinatumomab|blincyto", False),
    ("inotuzumab", r"inotuzumab(?:\s+ozogamicin)?|besponsa", False),
    (
        "gene_therapy",
        r"gene\s+therap(?:y|ies)(?:\s+products?)?|gene[- ]modified\s+cell|"
        r"genetically[- ](?:modified|engineered)\s+(?:t[- ]?)?cells?\s+(?:therap\w*|products?)|"
        r"gene\s+transfer\s+(?:agents?|products?|therap\w+)|genetic\s+therapy\s+products?",
        False,
    ),
    (
        "allo_hsct",
        rf"allogen(?:e)?ic\s+{_STEM}{_TX}|allo-?\s*h?sct\b|allo-?hct\b|allo\s+{_TX}|"
        # "allogeneic stem cell or solid organ transplantation"
        r"allogen(?:e)?ic\s+(?:stem\s+cells?|bone\s+marrow)\s+(?:or|and|and/or|/)\s+(?:solid\s+)?"
        r"organ\s+transplant\w*",
        False,
    ),
    (
        "auto_hsct",
        rf"autologous\s+{_STEM}{_TX}|auto-?\s*h?sct\b|"
        # "autologous or allogeneic stem cell transplantation": both
        rf"autologous(?=\s+(?:or|and|and/or|/)\s+allogene?ic\s+{_STEM}{_TX})",
        False,
    ),
    (
        "hsct",
        rf"(?:hematopoietic|haematopoietic|haemopoietic|hemopoietic)\s+(?:stem\s+)?cells?\s+"
        rf"{_TX}|stem\s+cells?\s+{_TX}|bone\s+marrow\s+{_TX}|\bhsct\b|\bhct\b|\bsct\b|\bbmt\b",
        False,
    ),
    (
        "tki",
        # the "-tinib" stem; Bruton's tyrosine kinase (BTK) inhibitors are kinase inhibitors too
        r"tyrosine\s+kinase\s+inhibitors?|\btkis?\b|\b[a-z]{3,}tinib\b|\bbtk\s*inhibitors?|"
        r"bruton'?s?\s+(?:tyrosine\s+)?kinase\s+inhibitors?|"
        # a kinase inhibitor named by its target ("VEGFR inhibitor", "EGFR-TKI" above)
        rf"{KINASE_CLASS}",
        True,
    ),
    ("donor_lymphocyte_infusion", r"donor\s+lymphocyte\s+infusions?(?:\s*\(dli\))?|\bdli\b", True),
    (
        "investigational_agent",
        r"investigational\s+(?:medicinal\s+)?(?:products?|agents?|drugs?|therap\w+|treatments?)|"
        r"(?:other|another)\s+(?:[\w-]+\s+){0,2}?clinical\s+"
        r"(?:trials?|stud(?:y|ies))|"
        # "Not participating in a clinical trial" (not "willing to participate in ...")
        r"(?:participating|participation|participated|enrolled)\s+in\s+(?:a|an|any)\s+"
        r"(?:[\w-]+\s+)?clinical\s+(?:trials?|stud(?:y|ies))|(?:last|previous|prior)\s+clinical\s+(?:trials?|stud(?:y|ies))|"
        r"(?:other|another)\s+(?:interventional|therapeutic)\s+"
        r"(?:trials?|stud(?:y|ies))|"
        r"(?:unapproved|unlicensed|experimental)\s+(?:drugs?|agents?|medications?|therap\w+|"
        r"treatments?)",
        True,
    ),
    (
        "radiotherapy",
        r"radiotherapy|radiation\s+therapy|irradiation|(?:site|field|port)\s+of\s+radiation|\bbnct\b|"
        r"boron\s+neutron\s+capture|"
        r"radiation\s+(?:must|should)\s+(?:have\s+)?be(?:en)?\s+completed",
        True,
    ),
    (
        "steroids",
        r"(?:systemic\s+)?(?:cortico)?steroids?(?:\s+therapy)?|glucocorticoids?(?:\s+therapy)?|"
        r"prednisone|prednisolone|dexamethasone|"
        # "systemic use of hormones", "doses of hormones": glucocorticoids, as registrations
        # translated from Chinese (激素) often say
        r"(?:(?:systemic|systematic|long[- ]term)\s+(?:use\s+of\s+)?|doses?\s+of\s+)hormones?\b",
        True,
    ),
    (
        "immunosuppression",
        r"immunosuppress\w*(?:\s+(?:therapy|agents?|drugs?|treatment))?|"
        # "systemic immunomodulators" (not the immunomodulatory drugs of myeloma regimens, IMiDs)
        r"\bimmunomodulators?\b|immunomodulatory\s+medications?|"
        r"(?:drugs?|medications?|agents?|therap(?:y|ies)|treatments?)\s+(?:used\s+)?(?:for|to\s+treat)\s+"
        r"(?:the\s+treatment\s+of\s+)?(?:gvhd|graft[- ]+(?:versus|vs\.?|v)[- ]+host\s+disease)|"
        r"anti-?gvhd\s+(?:therapy|treatment|drugs?|medications?)|"
        r"anti-?\s*thymocyte\s+globulin|\batg\b|"
        r"immune[- ]modifying\s+(?:drugs?|treatments?|therap(?:y|ies)|agents?|medications?)|"
        # immunosuppressants named alone
        rf"{_IMMUNOSUPPRESSANTS}",
        True,
    ),
    (
        "immunotherapy",
        # named as a class ("prior immunotherapy", "tumor immunotherapy"); a CAR-T or another
        # named immunotherapy keeps its own token ("CAR-T cell immunotherapy" is car_t)
        # "Immunotherapy (immunosuppressive drugs)": defined as immunosuppression
        r"(?<!t[- ]cell\s)(?<!t[- ]cells\s)(?<!car[- ]t\s)immunotherap(?:y|ies)"
        r"(?!\s*\(\s*immunosuppress)|immune\s+cell\s+therap(?:y|ies)|"
        r"immunologically\s+mediated\s+therap(?:y|ies)",
        True,
    ),
    (
        "chemotherapy",
        r"cytotoxic\s+chemotherap(?:y|ies)|chemotherap(?:y|ies)|hydroxyurea|hydroxycarbamide|"
        # cytotoxic drugs named alone (cartnav.criteria.drug_names)
        rf"{_DRUG_NAMES}|"
        r"anti-?\s*(?:neoplastic|tumou?r|cancer)\s+(?:therapy|therapies|treatments?|"
        r"drugs?|agents?|medications?)|systemic\s+(?:therapy|therapies|treatments?)|"
        r"(?<!non-)(?<!non\s)\bcancer\s+(?:therapy|therapies|treatments?)(?![-\s]related)",
        True,
    ),
    (
        "anti_cd20",
        r"anti-?\s*cd\s?20\b(?:\s+(?:monoclonal\s+)?antibod(?:y|ies))?|rituximab|obinutuzumab|"
        r"ofatumumab",
        True,
    ),
    (
        "antibody_therapy",
        r"antibody[- ]based\s+therap(?:y|ies)|monoclonal\s+antibod(?:y|ies)(?:\s+therap(?:y|ies))?|"
        r"alemtuzumab|daratumumab|\bisatuximab|elotuzumab|gemtuzumab(?:\s+ozogamicin)?",
        True,
    ),
    (
        "growth_factor",
        r"(?:haematopoietic\s+|hematopoietic\s+)?growth\s+factors?|\bg-?csf\b|\bgm-?csf\b|"
        r"colony[- ]stimulating\s+factors?|"
        r"filgrastim|pegfilgrastim|erythropoietin|\bepoetin\b|"
        # "drugs to stimulate the production of bone marrow hematopoietic cells"
        r"stimulat\w*\s+(?:the\s+)?(?:production\s+of\s+)?(?:bone\s+marrow\s+)?ha?ematopoie\w*",
        True,
    ),
]
_TRIGGERS: dict[str, frozenset[str]] = {  # word prefixes (see gates.py)
    "car_t": frozenset(
        {
            "axic",
            "brex",
            "brey",
            "car",
            "cart",
            "chim",
            "ctl",
            "kymr",
            "liso",
            "obec",
            "teca",
            "tisa",
            "yesc",
        }
    ),
    "cd19_directed": frozenset({"anti", "cd"}),
    "cd22_directed": frozenset({"anti", "cd"}),
    "blinatumomab": frozenset({"blin"}),
    "inotuzumab": frozenset({"besp", "inot"}),
    "gene_therapy": frozenset({"gene"}),
    "allo_hsct": frozenset({"allo"}),
    "auto_hsct": frozenset({"auto"}),
    "hsct": frozenset({"bmt", "hct", "hsct", "sct", "tran"}),
    "tki": frozenset({"dasa", "imat", "nilo", "pona", "tki", "tkis", "tyro", "btk", "brut"}),
    "donor_lymphocyte_infusion": frozenset({"dli", "dono"}),
    "investigational_agent": frozenset({"clin", "inve", "unap", "unli", "expe"}),
    "radiotherapy": frozenset({"irra", "radi", "bnct", "boro"}),
    "steroids": frozenset({"cort", "dexa", "gluc", "pred", "ster", "horm"}),
    "immunosuppression": frozenset(
        {"immu", "gvhd", "anti", "thym", "atg", "cicl", "cycl", "tacr", "siro", "rapa", "vocl"}
        | {"myco", "azat", "lefl", "calc", "etan", "infl", "adal", "tnf", "anak", "cana", "il"}
        | {"inte"}
    ),
    "immunotherapy": frozenset({"immu"}),
    "chemotherapy": frozenset(
        {"chem", "hydr", "syst", "neop", "tumo", "canc", *_CHEMO_DRUG_PREFIXES}
    ),
    "anti_cd20": frozenset({"anti", "ritu", "obin", "ofat"}),
    "antibody_therapy": frozenset({"mono", "anti", "alem", "dara", "isat", "elot", "gemt"}),
    "growth_factor": frozenset({"grow", "csf", "filg", "pegf", "colo", "eryt", "epoe", "stim"}),
}
COMPILED = [
    (name, with_first_chars(re.compile(p)), strict, _TRIGGERS[name]) for name, p, strict in _TERMS
]
# one-word forms the word-prefix triggers cannot see ("antineoplastic", "antitumor")
INDEX = TermIndex([t[3] for t in COMPILED])
# Literal pieces one of which every match of a pattern contains: a cheap test before the regex.
_LITERAL_OF: dict[str, tuple[str, ...]] = {
    "cd19_directed": ("cd19",),
    "cd22_directed": ("cd22",),
    "investigational_agent": (
        "investigational",
        "other",
        "clinical trial",
        "clinical stud",
        "unapproved",
        "unlicensed",
        "experimental",
    ),
    "steroids": ("steroid", "glucocorticoid", "predniso", "dexameth", "hormone"),
    "hsct": ("transplant", "sct", "hct", "bmt"),
    "chemotherapy": (
        "chemotherap",
        "hydroxy",
        "neoplastic",
        "tumo",
        "cancer",
        "systemic",
        *_CHEMO_DRUGS,
    ),
    "immunosuppression": (
        "immunosuppress",
        "gvhd",
        "graft",
        "thymocyte",
        "atg",
        "immune",
        "immunomodulat",
        "closporin",
        "tacrolimus",
        "sirolimus",
        "rapamycin",
        "mycophenol",
        "azathioprine",
        "leflunomide",
        "calcineurin",
        "etanercept",
        "infliximab",
        "adalimumab",
        "tnf",
        "anakinra",
        "canakinumab",
        "il-1",
        "il 1",
        "interleukin",
    ),
    "immunotherapy": ("immunotherap", "immune cell", "immunologically"),
    "radiotherapy": ("radiotherap", "radiation", "irradiation", "bnct", "boron"),
    "anti_cd20": ("cd20", "rituximab", "obinutuzumab", "ofatumumab"),
}
LITERALS = {i: _LITERAL_OF[t[0]] for i, t in enumerate(COMPILED) if t[0] in _LITERAL_OF}
CHEMO_INDEX = next(i for i, t in enumerate(COMPILED) if t[0] == "chemotherapy")
TKI_INDEX = next(i for i, t in enumerate(COMPILED) if t[0] == "tki")
