"""bench/draw_heldout.py draws a fresh round reproducibly, never an item already annotated, and
never shows the annotator the parser's output."""

from __future__ import annotations

from pathlib import Path

import pytest
from script_modules import load_bench

draw_heldout = load_bench("draw_heldout")


def _folded(items: list[dict[str, str]]) -> set[str]:
    return {" ".join(item["text"].split()) for item in items}


def test_a_round_is_reproducible_fresh_and_verbatim(shared_data: Path) -> None:
    first = draw_heldout.draw(7, 0, 4, shared_data)
    assert first == draw_heldout.draw(7, 0, 4, shared_data)
    assert first != draw_heldout.draw(8, 0, 4, shared_data)
    assert len(first) == 4
    assert [item["id"] for item in first] == [f"H{700 + n:03d}" for n in range(4)]

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
    args = ["--round", "3", "--xml", "0", "--v2", "2", "--out", str(out)]
    assert draw_heldout.main([*args, "--shared-data", str(shared_data)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_listing_items_can_be_drawn(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (every listing item is annotated by now: draw as if none were)
    monkeypatch.setattr(draw_heldout, "annotated_texts", set)
    items = draw_heldout.draw(5, 1, 1, shared_data, 2)
    assert [item["source"] for item in items][-2:] == [draw_heldout.PAGES_SOURCE] * 2
    assert items[0]["source"].startswith(draw_heldout.XML_DIR)


def test_a_round_drawn_beside_another_shares_no_item(shared_data: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    args = ["--round", "4", "--xml", "0", "--v2", "30", "--out", str(first)]
    draw_heldout.main([*args, "--shared-data", str(shared_data)])
    earlier = _folded(draw_heldout.load_items(first))
    assert _folded(draw_heldout.draw(4, 0, 30, shared_data)) == earlier  # the same seed
    later = draw_heldout.draw(4, 0, 30, shared_data, exclude=[first])
    assert len(later) == 30
    assert not earlier & _folded(later)


def test_a_missing_exclude_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(SystemExit) as stop:
        draw_heldout.main(
            ["--round", "1", "--out", str(tmp_path / "o.jsonl"), "--exclude", str(missing)]
        )
    assert stop.value.code == 2
    assert f"--exclude: no such file: {missing}" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()
