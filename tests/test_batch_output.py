"""Output files: whole lines appended, and the repair that resumes from a killed run."""

from __future__ import annotations

import json

from summarizer.batch.output import LineAppender, scan_done


def _record(i: str) -> str:
    return json.dumps({"id": i, "path": f"{i}.txt", "brief": {"headline": i}})


def test_records_are_appended_one_line_each(tmp_path):
    path = tmp_path / "out.jsonl"
    with LineAppender(path) as out:
        out.write(_record("a"))
        out.write({"id": "b", "path": "b.txt", "brief": {}})
    with LineAppender(path) as out:
        out.write(_record("c") + "\n")
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a", "b", "c"]
    assert path.read_text().endswith("}\n")


def test_truncate_starts_the_file_again(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text(_record("old") + "\n")
    with LineAppender(path, truncate=True) as out:
        out.write(_record("new"))
    assert scan_done(path) == ({"new"}, 0)


def test_scan_of_a_missing_file_finds_nothing(tmp_path):
    assert scan_done(tmp_path / "none.jsonl") == (set(), 0)


def test_a_truncated_last_line_is_cut_off_and_its_id_not_counted(tmp_path):
    path = tmp_path / "out.jsonl"
    whole = _record("a") + "\n" + _record("b") + "\n"
    path.write_text(whole + _record("c")[:25])
    assert scan_done(path) == ({"a", "b"}, 1)
    assert path.read_text() == whole
    with LineAppender(path) as out:
        out.write(_record("c"))
    assert scan_done(path) == ({"a", "b", "c"}, 0)


def test_a_cut_line_that_happens_to_be_valid_json_is_still_dropped(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text(_record("a") + "\n" + _record("b"))  # whole JSON, but no newline
    assert scan_done(path) == ({"a"}, 1)


def test_corrupt_and_repeated_lines_inside_the_file_are_removed(tmp_path):
    path = tmp_path / "out.jsonl"
    lines = [_record("a"), '{"id": "x", "pa', _record("b"), _record("a"), '{"id": "no brief"}']
    path.write_text("\n".join(lines) + "\n")
    assert scan_done(path) == ({"a", "b"}, 3)
    assert path.read_text() == _record("a") + "\n" + _record("b") + "\n"
