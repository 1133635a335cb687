"""Which topics an item could mention, decided from its word prefixes before any costly pattern.

Every item's folded text is cut into letter runs; the set of their first four letters is compared
with each topic's prefixes (C-level set operations). A gate may let through items that hold
nothing (the topic's patterns then find nothing) but must never stop an item a pattern would
match: each prefix list covers the leading word of every pattern in its topic.
"""

from __future__ import annotations

import re

from cartnav.criteria.drug_names import CHEMO_DRUG_PREFIXES

_PREFIX_RE = re.compile(r"([a-z]{1,4})[a-z]*")  # the group: a word's first four letters

AGE = frozenset({"age", "aged", "ages", "year", "yr", "yrs", "y", "old"})
DISEASE = frozenset(
    {
        "leuk",
        "leuc",
        "lymp",
        "myel",
        "hodg",
        "burk",
        "mpal",
        "biph",
        "phen",
        "ambi",
        "mixe",
        "all",
        "aml",
        "cll",
        "cml",
        "mm",
        "mds",
        "nhl",
        "mcl",
        "fl",
        "lbl",
        "lbcl",
        "bcp",
        "etp",
        "dlbc",
        "foll",
        "mant",
        "diff",
        "larg",
        "medi",
        "prim",
        "plas",
        "b",
        "t",
        "ball",
        "tall",
        "pre",
        "preb",
        "nonl",
        "nonb",
        "nsc",
        "nscl",
        "lung",
    }
)
ANTIGEN = frozenset(
    {"cd", "bcma", "cll", "clec", "gprc", "ror", "muc", "kapp", "dll", "pd", "her", "gd", "gpc"}
    | {"trop", "psma", "slam", "cldn", "clau", "meso", "msln"}
)
STATUS = frozenset(
    {
        "rela",
        "recu",
        "refr",
        "resi",
        "r",
        "medu",
        "extr",
        "indu",
        "mrd",
        "blas",
        "isol",
        "mini",
        "meas",
        "prim",
        "seco",
        "nd",
        "two",
        "mult",
        "post",
        "lymp",
        "myel",
        "leuk",
        "achi",
        "remi",
        "dete",
        "cr",
        "inef",
        "prog",
    }
)
THERAPY = CHEMO_DRUG_PREFIXES | frozenset(
    {
        "horm",
        "colo",
        "ritu",
        "obin",
        "ofat",
        "clof",
        "clad",
        "flud",
        "cyta",
        "ara",
        "bend",
        "cycl",
        "ifos",
        "etop",
        "vinc",
        "daun",
        "doxo",
        "idar",
        "mito",
        "meth",
        "merc",
        "aspa",
        "pega",
        "nela",
        "alem",
        "thym",
        "atg",
        "gemt",
        "nitr",
        "dara",
        "isat",
        "elot",
        "car",
        "cart",
        "chim",
        "ctl",
        "cabt",
        "tisa",
        "axic",
        "brex",
        "liso",
        "obec",
        "kymr",
        "yesc",
        "teca",
        "brey",
        "cd",
        "blin",
        "inot",
        "besp",
        "gene",
        "allo",
        "auto",
        "tran",
        "hsct",
        "hct",
        "sct",
        "bmt",
        "tki",
        "tkis",
        "tyro",
        "imat",
        "dasa",
        "pona",
        "nilo",
        "dli",
        "dono",
        "inve",
        "clin",
        "radi",
        "irra",
        "ster",
        "cort",
        "gluc",
        "pred",
        "dexa",
        "immu",
        "chem",
        "hydr",
        "mono",
        "grow",
        "csf",
        "filg",
        "pegf",
        "gvhd",
    }
)
PERFORMANCE = frozenset({"karn", "lans", "kps", "lps", "ecog", "east", "zubr"})
LABS = frozenset(
    {
        "asat",
        "alat",
        "prot",
        "pt",
        "crea",
        "clea",
        "crcl",
        "ccr",
        "clcr",
        "gfr",
        "egfr",
        "glom",
        "filt",
        "cr",
        "scr",
        "bili",
        "tbil",
        "bil",
        "alan",
        "sgpt",
        "pyru",
        "alt",
        "aspa",
        "sgot",
        "oxal",
        "ast",
        "tran",
        "amin",
        "live",
        "ejec",
        "lvef",
        "ef",
        "shor",
        "lvsf",
        "sf",
        "spo",
        "sao",
        "satu",
        "oxyg",
        "oxim",
        "sat",
        "inr",
        "ptt",
        "aptt",
        "thro",
        "plat",
        "plt",
        "neut",
        "anc",
        "lymp",
        "alc",
        "hemo",
        "haem",
        "hgb",
        "hb",
        "wbc",
        "whit",
        "alka",
        "alp",
        "gamm",
        "ggt",
        "albu",
        "dlco",
        "qtc",
        "qtcf",
        "qtcb",
        "puls",
        "glut",
        "abso",
    }
)
CONDITIONS = frozenset(
    {
        "lept",
        "adeq",
        "norm",
        "suff",
        "sati",
        "appr",
        "inca",
        "stro",
        "cere",
        "coro",
        "peri",
        "pleu",
        "htlv",
        "ebv",
        "epst",
        "cmv",
        "cyto",
        "thro",
        "embo",
        "deep",
        "dvt",
        "pulm",
        "pneu",
        "lung",
        "resp",
        "inte",
        "copd",
        "drug",
        "alco",
        "subs",
        "meta",
        "gene",
        "here",
        "hiv",
        "immu",
        "aids",
        "hepa",
        "hbv",
        "hbsa",
        "hbca",
        "hcv",
        "syph",
        "trep",
        "tube",
        "gvhd",
        "graf",
        "host",
        "infe",
        "preg",
        "brea",
        "lact",
        "nurs",
        "cns",
        "nerv",
        "mali",
        "canc",
        "tumo",
        "neop",
        "auto",
        "tors",
        "long",
        "rheu",
        "sle",
        "lupu",
        "card",
        "hear",
        "myoc",
        "myo",
        "arrh",
        "arry",
        "cong",
        "angi",
        "seiz",
        "epil",
        "conv",
        "alle",
        "hype",
        "anap",
        "orga",
        "brai",
        "cirr",
        "neur",
        "huma",
        "ecg",
        "elec",
        "abno",
        "migr",
        "deme",
        "park",
        "scle",
        "myas",
        "rhyt",
        "bund",
        "atri",
        "av",
    }
)
CONSENT = frozenset(
    {"asse", "cons", "icf", "will", "unwi", "comp", "cont", "birt", "agre", "volu", "abil"}
    | {"inca", "lega", "able"}
)
LOGISTICS = frozenset(
    {
        "trav",
        "resi",
        "live",
        "stay",
        "care",
        "give",
        "foll",
        "avai",
        "insu",
        "tran",
        "acco",
        "lodg",
        "geog",
        "prox",
        "zoom",
        "vide",
        "smar",
        "cont",
    }
)
EXCEPTION = frozenset({"exce", "unle", "othe", "excl", "apar", "asid", "besi"})


def prefixes(folded: str) -> set[str]:
    """The first four letters of every letter run in ``folded``."""
    return set(_PREFIX_RE.findall(folded))


class TermIndex:
    """Which of a topic's patterns an item's word prefixes can trigger, in pattern order.

    ``active(words)`` intersects the prefixes once (a C-level set operation) instead of testing
    every pattern's trigger set in a Python loop.
    """

    __slots__ = ("_by_key", "_cache", "_keys")

    def __init__(self, triggers: list[frozenset[str]]) -> None:
        self._keys: frozenset[str] = frozenset().union(*triggers)
        self._by_key: dict[str, tuple[int, ...]] = {
            key: tuple(i for i, t in enumerate(triggers) if key in t) for key in self._keys
        }
        self._cache: dict[frozenset[str], tuple[int, ...]] = {}

    def active(self, words: set[str]) -> tuple[int, ...]:
        hit = self._keys.intersection(words)
        if not hit:
            return ()
        found = self._cache.get(hit)
        if found is None:
            found = tuple(sorted({i for key in hit for i in self._by_key[key]}))
            if len(self._cache) < 4096:  # the combinations seen in practice are few
                self._cache[hit] = found
        return found
