"""List markers: bullets, numbers, letters, roman numerals, circled and Chinese numbering.

A marker is classified into a *style* ("num.", "(num)", "alpha)", "bullet-", ...) and, for ordered
styles, an ordinal, so that the splitter can tell siblings from sub-items and accept inline
(flattened) numbering only when it continues a sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLETS = "-*•·○▪◦●■□➢►▶◆◇❖✓➤"
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CJK_NUM = "一二三四五六七八九十"

# At the start of a line (after indentation). Repeated markers ("- • text") are consumed together.
LINE_MARKER_RE = re.compile(
    r"(?P<m>"
    r"(?P<bul>[\-*](?=\s)|[•·○▪◦●■□➢►▶◆◇❖✓➤‣⁃◘♦➔→])"
    r"|(?P<num>(?:\(\d{1,2}\)|\d{1,2}(?:\\?\.|\)|、))(?!\d))"
    r"|(?P<circ>[①-⑳])"
    r"|(?P<cjk>[一二三四五六七八九十]{1,2}[、.])"
    r"|(?P<rom>\(?(?:xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)[.)])(?=\s)"
    r"|(?P<alpha>\(?[a-z][.)])(?=\s|\()"
    r")[ \t]*"
)

# Inside a line (flattened lists). Checked against the sequence state before being accepted.
INLINE_MARKER_RE = re.compile(
    r"(?P<bul>(?<=[^\\\s])[ \t]+[*•▪○◦●■➢►](?=[ \t]+[^\d\s])"
    r"|(?<=[.;:,。；：])[ \t]*-[ \t]*(?=[A-Za-z(\u4e00-\u9fff])"
    r"|•)"
    r"|(?<![\w.,/\\\-+])(?P<num>\(?\d{1,2}(?:\\?[.．](?=\s+\S|[^\s\d])|\)(?=\s*[^\s\d)])|、))"
    r"|(?P<circ>[①-⑳])"
    r"|(?<![\w.'/\-])(?P<rom>\(?(?:xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)[.)])(?=\s+\S)"
    r"|(?<![\w.'/\-])(?P<alpha>\(?[a-z][.)])(?=\s+\S)"
)


@dataclass(frozen=True, slots=True)
class Marker:
    start: int  # marker start (absolute offset)
    end: int  # content start (after the marker and spaces)
    style: str
    ordinal: int | None  # 1-based for ordered styles


def _shape(token: str) -> str:
    if token.startswith("("):
        return "({})"
    if token.endswith(")"):
        return "{})"
    return "{}."


_TOKEN_PUNCT = "()\\.．、:： \t"


def classify(group: str, token: str, original: str) -> tuple[str, int | None]:
    """Style and ordinal of a marker token (``original`` keeps the letter case)."""
    core = token.strip().strip(_TOKEN_PUNCT)
    if group == "bul":
        return "bullet" + token.strip()[:1], None
    if group == "num":
        if token.endswith("、"):
            return "num、", int(core)
        return _shape(token.strip()).format("num"), int(core)
    if group == "circ":
        return "circled", _CIRCLED.index(token.strip()[0]) + 1
    if group == "cjk":
        return "cjknum", _cjk_value(core.rstrip("、."))
    if group == "rom":
        return _shape(token.strip()).format("roman"), _ROMAN.index(core.lower()) + 1
    letter = original.strip().strip(_TOKEN_PUNCT)[:1]
    case = "ALPHA" if letter.isupper() else "alpha"
    return _shape(token.strip()).format(case), ord(core.lower()) - ord("a") + 1


def _cjk_value(token: str) -> int:
    if token == "十":
        return 10
    if len(token) == 2 and token[0] == "十":
        return 10 + _CJK_NUM.index(token[1]) + 1
    return _CJK_NUM.index(token[0]) + 1 if token and token[0] in _CJK_NUM else 1


def roman_as_alpha(style: str) -> str:
    """The alphabetic style a roman-looking letter (i, v, x) could also belong to."""
    return style.replace("roman", "alpha")
