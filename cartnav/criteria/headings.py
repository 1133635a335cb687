"""Section headings of eligibility text: where inclusion and exclusion lists start.

Registries and listing sites write many variants: "Inclusion Criteria:", "INCLUSION CRITERIA",
"Key Inclusion Criteria for the ALL Cohort", "Eligibility", "Exclusion Criteria: :",
"Patients will be excluded if", Chinese 入选标准 / 纳入标准 / 排除标准. A heading counts when it
starts a line (after optional markdown ``#``/``*``), or, mid-line, when it is written with a capital
letter and followed by a colon (sites that flatten everything onto one line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cartnav.domain.criterion import ItemKind

_TAIL = r"(?:[ \t]*[:：])*"
_INC = (
    r"(?:key\s+|main\s+|general\s+|major\s+)?(?:inclusion|eligibility)\s+criteria"
    r"|inclusion|eligibility"
    r"|(?:入选|纳入|入组|入排)标准"
)
_EXC = (
    r"(?:key\s+|main\s+|general\s+|major\s+)?(?:exclusion|non-?inclusion)\s+criteria"
    r"|exclusion"
    r"|排除标准"
    r"|(?:patients?|subjects?|participants?|individuals?)\s+(?:will\s+be|are|is)\s+"
    r"(?:excluded|not\s+eligible|ineligible)(?:\s+from\s+(?:the\s+)?(?:study|trial|participation))?"
    r"(?:\s+if(?:\s+they\s+(?:have|meet)\s+any\s+of\s+the\s+following(?:\s+criteria)?)?)?"
)
# Optional scope after the heading words, only up to the end of the line or a colon.
_SCOPE = r"(?:[ \t]+(?:for|in|of|\()[^\n:：]{1,60}?(?=[ \t]*(?:[:：]|\n|$)))?"
HEADING_RE = re.compile(rf"(?P<inc>{_INC})|(?P<exc>{_EXC})")
_AFTER_RE = re.compile(rf"{_SCOPE}{_TAIL}")
_LINE_PREFIX_RE = re.compile(r"[ \t#*>_•·‣⁃\-]*\Z")
_COLON_RE = re.compile(r"[ \t]*[:：]")
_EOL_RE = re.compile(r"[ \t*_]*(?:\n|\Z)")


@dataclass(frozen=True, slots=True)
class Heading:
    start: int
    end: int
    kind: ItemKind


def _line_start(folded: str, pos: int) -> bool:
    line_begin = folded.rfind("\n", 0, pos) + 1
    return _LINE_PREFIX_RE.match(folded, line_begin, pos) is not None


def find_headings(text: str, folded: str) -> list[Heading]:
    """Headings in order, non-overlapping; ``folded`` is ``fold(text)`` (same length)."""
    found: list[Heading] = []
    last_end = 0
    for m in _candidates(folded):
        if m.start() < last_end:
            continue
        word_end = m.end()
        after = _AFTER_RE.match(folded, word_end)
        end = after.end() if after else word_end
        # trailing markdown emphasis closing the heading ("**Inclusion Criteria:**")
        while end < len(folded) and folded[end] in "*_":
            end += 1
        has_colon = ":" in folded[word_end:end] or "：" in folded[word_end:end]
        cjk = not folded[m.start()].isascii()
        bare = m.group(0).strip() in {"inclusion", "eligibility", "exclusion"}
        at_line = _line_start(folded, m.start())
        if m.start() > 0 and (folded[m.start() - 1].isalnum() or folded[m.start() - 1] in "-/"):
            continue
        if word_end < len(folded) and (folded[word_end].isalnum() or folded[word_end] in "-/"):
            continue
        at_eol = _EOL_RE.match(folded, end) is not None
        if at_line:
            # a bare word counts only when it is the whole line or has a colon
            ok = has_colon or at_eol or not bare or cjk
            ok = ok and not (bare and not has_colon and not at_eol)
        else:
            capital = text[m.start()].isupper() or _just_after_heading(found, folded, m)
            phrase = bool(m.group("exc")) and not bare and "criteria" not in m.group(0)
            ok = cjk or (has_colon and (capital or phrase))
        if not ok:
            continue
        kind: ItemKind = "exclusion" if m.group("exc") else "inclusion"
        found.append(Heading(m.start(), end, kind))
        last_end = end
    return found


_KEYWORDS = ("inclusion", "exclusion", "eligibility", "excluded", "eligible", "标准")


class _Hit:
    __slots__ = ("_end", "_start", "word")

    def __init__(self, start: int, word: str) -> None:
        self._start, self._end, self.word = start, start + len(word), word

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _: int = 0) -> str:
        return self.word


def _keyword_hits(folded: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for word in _KEYWORDS:
        pos = folded.find(word)
        while pos >= 0:
            hits.append(_Hit(pos, word))
            pos = folded.find(word, pos + 1)
    hits.sort(key=lambda h: h.start())
    return hits


_PREFIX_RE = re.compile(
    r"(?:key|main|general|major|non-?)\s*$|(?:patients?|subjects?|participants?|"
    r"individuals?)\s+(?:will\s+be|are|is)\s+(?:not\s+)?(?:in)?$"
)


def _candidates(folded: str) -> list[re.Match[str]]:
    """HEADING_RE matches, found from cheap keyword hits instead of a scan of every position."""
    out: list[re.Match[str]] = []
    last = -1
    for hit in _keyword_hits(folded):
        lo = max(0, hit.start() - 40)
        pre = _PREFIX_RE.search(folded, lo, hit.start())
        starts = [pre.start(), hit.start()] if pre else [hit.start()]
        if hit.group(0) == "标准":
            starts = [max(0, hit.start() - 2)]
        for start in starts:
            if start <= last:
                continue
            m = HEADING_RE.match(folded, start)
            if m is not None and m.end() >= hit.end():
                out.append(m)
                last = m.end() - 1
                break
    return out


def _just_after_heading(found: list[Heading], folded: str, m: re.Match[str]) -> bool:
    return bool(found) and folded[found[-1].end : m.start()].strip() == ""
