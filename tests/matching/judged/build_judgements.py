"""Write ``judgements.jsonl`` from the hand-read facts and the per-trial judging rules.

Run from the repository root: ``python tests/matching/judged/build_judgements.py``
(``--set heldout`` writes ``heldout/judgements.jsonl`` for the held-out profiles).
The output is data: review the diff of ``judgements.jsonl`` whenever a rule or fact changes.
See ``docs/match-judging.md`` for how the rules were written.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import rules_pages as pg  # noqa: E402
import rules_pages2 as pg2  # noqa: E402
import rules_registry as rx  # noqa: E402
import rules_registry2 as rx2  # noqa: E402
import rules_registry3 as rx3  # noqa: E402
from facts import FACTS  # noqa: E402
from heldout.facts_heldout import FACTS_HELDOUT  # noqa: E402
from judge import Judge  # noqa: E402

Rule = Callable[[Judge], "tuple[str, str] | None"]
XML = "ctgov_legacy_xml"
PAGE = "cart_page"


def _page(fn: Callable[..., tuple[str, str] | None]) -> Rule:
    return functools.partial(fn, full=False)


RULES: dict[tuple[str, str], Rule] = {
    ("NCT02186860", XML): rx.nct02186860,
    ("NCT02228096", XML): rx.nct02228096,
    ("NCT02315612", XML): rx.nct02315612,
    ("NCT02435849", XML): rx.nct02435849,
    ("NCT02443831", XML): rx.nct02443831,
    ("NCT02614066", XML): rx.nct02614066,
    ("NCT02625480", XML): rx.nct02625480,
    ("NCT02772198", XML): rx.nct02772198,
    ("NCT03144583", XML): rx3.nct03144583,
    ("NCT03275493", XML): rx3.nct03275493,
    ("NCT03289455", XML): rx3.nct03289455,
    ("NCT03373071", XML): rx3.nct03373071,
    ("NCT03467256", XML): rx3.nct03467256,
    ("NCT03473457", XML): rx2.nct03473457,
    ("NCT03488160", XML): rx2.nct03488160,
    ("NCT03574168", XML): rx2.nct03574168,
    ("NCT03599375", XML): rx2.nct03599375,
    ("NCT03671460", XML): rx2.nct03671460,
    ("NCT03919240", XML): rx2.nct03919240,
    ("NCT03971799", XML): rx2.nct03971799,
    ("NCT04012879", XML): rx2.nct04012879,
    ("NCT04094766", XML): rx2.nct04094766,
    ("NCT04289220", XML): rx2.nct04289220,
    ("NCT04303520", XML): rx2.nct04303520,
    # listings that repeat a registry trial: judged on the listing's own (partial) text
    ("NCT02186860", PAGE): pg.p_nct02186860,
    ("NCT02228096", PAGE): pg.p_nct02228096,
    ("NCT02315612", PAGE): pg.p_nct02315612,
    ("NCT02443831", PAGE): pg.p_nct02443831,
    ("NCT02614066", PAGE): pg.p_nct02614066,
    ("NCT02625480", PAGE): pg.p_nct02625480,
    ("NCT02772198", PAGE): pg.p_nct02772198,
    ("NCT03144583", PAGE): pg.p_nct03144583,
    ("NCT03289455", PAGE): _page(rx3.nct03289455),
    ("NCT03373071", PAGE): pg.p_nct03373071,
    ("NCT03467256", PAGE): _page(rx3.nct03467256),
    ("NCT03473457", PAGE): _page(rx2.nct03473457),
    ("NCT03488160", PAGE): _page(rx2.nct03488160),
    ("NCT03574168", PAGE): _page(rx2.nct03574168),
    ("NCT03599375", PAGE): rx2.nct03599375,  # listing text complete, same as the registry
    ("NCT03671460", PAGE): rx2.nct03671460,  # listing text complete, same as the registry
    ("NCT03919240", PAGE): rx2.nct03919240,  # listing text complete, same as the registry
    ("NCT03971799", PAGE): _page(rx2.nct03971799),
    ("NCT04012879", PAGE): _page(rx2.nct04012879),
    ("NCT04094766", PAGE): _page(rx2.nct04094766),
    ("NCT04289220", PAGE): _page(rx2.nct04289220),
    ("NCT04303520", PAGE): _page(rx2.nct04303520),
    # listings only
    ("NCT04325841", PAGE): pg.p_nct04325841,
    ("NCT04626765", PAGE): pg.p_nct04626765,
    ("NCT04653493", PAGE): pg.p_nct04653493,
    ("NCT04762485", PAGE): pg.p_nct04762485,
    ("NCT04796675", PAGE): pg.p_nct04796675,
    ("NCT04796688", PAGE): pg.p_nct04796688,
    ("NCT04916860", PAGE): pg.p_nct04916860,
    ("NCT05170568", PAGE): pg.p_nct05170568,
    ("NCT05210907", PAGE): pg2.p_nct05210907,
    ("NCT05270772", PAGE): pg2.p_nct05270772,
    ("NCT05429905", PAGE): pg2.p_nct05429905,
    ("NCT05442515", PAGE): pg2.p_nct05442515,
    ("NCT05620680", PAGE): pg.p_nct05620680,
    ("NCT06080191", PAGE): pg2.p_nct06080191,
    ("NCT06343090", PAGE): pg2.p_nct06343090,
    ("NCT06347458", PAGE): pg2.p_nct06347458,
    ("NCT06847269", PAGE): pg2.p_nct06847269,
    ("NCT06866873", PAGE): pg2.p_nct06866873,
    ("NCT07072494", PAGE): pg2.p_nct07072494,
    ("NCT07109518", PAGE): pg2.p_nct07109518,
    ("NCT07201727", PAGE): pg2.p_nct07201727,
    ("NCT07328503", PAGE): pg2.p_nct07328503,
    ("NCT07338357", PAGE): pg2.p_nct07338357,
    ("NCT07406178", PAGE): pg2.p_nct07406178,
    ("NCT07476027", PAGE): pg2.p_nct07476027,
}


SETS = {"original": (FACTS, HERE), "heldout": (FACTS_HELDOUT, HERE / "heldout")}


def build(which: str = "original") -> list[dict[str, str]]:
    facts = SETS[which][0]
    rows = []
    for stem in sorted(facts):
        for (nct_id, source), rule in sorted(RULES.items()):
            answer = rule(Judge(dict(facts[stem])))
            if answer is None:
                continue
            expected, why = answer
            rows.append(
                {
                    "profile": stem,
                    "nct_id": nct_id,
                    "source": source,
                    "expected": expected,
                    "why": why,
                }
            )
    return rows


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="write the judged set's judgements.jsonl")
    parser.add_argument("--set", choices=sorted(SETS), default="original", dest="which")
    which = parser.parse_args(argv).which
    facts, folder = SETS[which]
    rows = build(which)
    out = folder / "judgements.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = Counter(row["expected"] for row in rows)
    total = len(facts) * len(RULES)
    print(f"{len(rows)} judged of {total} pairs ({total - len(rows)} skipped): {dict(counts)}")


if __name__ == "__main__":
    main()
