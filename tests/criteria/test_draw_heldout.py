"""bench/draw_heldout.py draws a fresh round reproducibly, never an item already annotated, and
never shows the annotator the parser's output."""

from __future__ import annotations

from pathlib import Path

from script_modules import load_bench

draw_heldout = load_bench("draw_heldout")


def test_a_round_is_reproducible_fresh_and_verbatim(shared_data: Path) -> None:
    first = draw_heldout.draw(7, 0, 4, shared_data, 3)
    assert first == draw_heldout.draw(7, 0, 4, shared_data, 3)
    assert first != draw_heldout.draw(8, 0, 4, shared_data, 3)
    assert len(first) == 7
    assert [item["id"] for item in first] == [f"H{700 + n:03d}" for n in range(7)]
    # (every legacy XML item is annotated by now: the v2 studies and the listings remain)
    assert sum(item["source"] == draw_heldout.PAGES_SOURCE for item in first) == 3

    annotated = draw_heldout.annotated_texts()
    ev = load_bench("criteria_eval")
    for item in first:
        assert set(item) == {"id", "nct_id", "source", "kind", "text"}  # no constraints shown
        assert " ".join(item["text"].split()) not in annotated
        assert len(" ".join(item["text"].split())) >= draw_heldout.MIN_CHARS
        texts = ev.load_source_texts(shared_data, item["source"])
        assert item["text"] in texts[item["nct_id"]]


def test_the_script_writes_json_lines(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "round.jsonl"
    args = ["--round", "3", "--xml", "0", "--v2", "2", "--pages", "1", "--out", str(out)]
    assert draw_heldout.main([*args, "--shared-data", str(shared_data)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_listing_items_can_be_drawn(shared_data: Path) -> None:
    items = draw_heldout.draw(5, 0, 1, shared_data, 2)
    assert [item["source"] for item in items][-2:] == [draw_heldout.PAGES_SOURCE] * 2


def test_two_rounds_drawn_together_share_no_item(shared_data: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    draw_heldout.main(
        [
            "--round",
            "4",
            "--xml",
            "0",
            "--v2",
            "30",
            "--pages",
            "5",
            "--out",
            str(first),
            "--shared-data",
            str(shared_data),
        ]
    )
    earlier = {" ".join(item["text"].split()) for item in draw_heldout.load_items(first)}
    overlapping = draw_heldout.draw(6, 0, 30, shared_data, 5)
    assert earlier & {" ".join(item["text"].split()) for item in overlapping}  # the pool is small
    later = draw_heldout.draw(6, 0, 30, shared_data, 5, exclude=[first])
    assert len(later) == 35
    assert not earlier & {" ".join(item["text"].split()) for item in later}
