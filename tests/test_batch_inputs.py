"""Discovery: which files a batch run reads and the ids it gives them."""

from __future__ import annotations

import json

import pytest

from summarizer.batch.inputs import NoInputs, discover, read_row


def _ids(items):
    return [item.id for item in items]


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "feed" / "2024").mkdir(parents=True)
    (tmp_path / "feed" / "a.txt").write_text("A.")
    (tmp_path / "feed" / "b.md").write_text("B.")
    (tmp_path / "feed" / "2024" / "c.html").write_text("<p>C.</p>")
    (tmp_path / "feed" / "2024" / "d.htm").write_text("<p>D.</p>")
    (tmp_path / "feed" / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "feed" / "README.md").write_text("What this folder is.")
    (tmp_path / "feed" / ".hidden.txt").write_text("Not here.")
    return tmp_path


def test_a_directory_is_walked_recursively_with_ids_relative_to_it(tree):
    items = list(discover([str(tree / "feed")]))
    assert _ids(items) == ["a.txt", "b.md", "2024/c.html", "2024/d.htm"]
    assert items[2].path == (tree / "feed" / "2024" / "c.html").as_posix()
    assert not any(item.error for item in items)


def test_ids_do_not_depend_on_how_the_files_are_named(tree):
    by_dir = _ids(discover([str(tree / "feed")]))
    by_glob = _ids(discover([str(tree / "feed" / "**" / "*")]))
    by_file = _ids(discover([str(tree / "feed" / "a.txt")]))
    assert sorted(by_glob) == sorted(by_dir)
    assert by_file == ["a.txt"]


def test_a_glob_is_expanded_and_a_file_named_explicitly_is_read_whatever_its_suffix(tree):
    assert _ids(discover([str(tree / "feed" / "*.txt")])) == ["a.txt"]
    assert _ids(discover([str(tree / "feed" / "photo.png")])) == ["photo.png"]


def test_an_input_that_matches_nothing_is_a_bad_argument(tree):
    with pytest.raises(NoInputs, match="not found"):
        list(discover([str(tree / "missing.txt")]))
    with pytest.raises(NoInputs, match="no files match"):
        list(discover([str(tree / "feed" / "*.csv")]))


def test_the_same_file_named_twice_is_briefed_once(tree):
    items = list(discover([str(tree / "feed"), str(tree / "feed" / "a.txt")]))
    assert _ids(items).count("a.txt") == 1


def test_jsonl_rows_get_their_id_or_file_and_line(tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": "x1", "text": "First.", "title": "One"})
        + "\n\n"
        + json.dumps({"text": "Third line, no id."})
        + "\n"
        + json.dumps({"id": 7, "text": "Numeric id."})
        + "\n"
    )
    items = list(discover([str(rows)]))
    assert _ids(items) == ["x1", "rows.jsonl#3", "7"]
    assert items[0].title == "One"
    assert items[1].path == rows.as_posix() + "#3"
    assert read_row(items[1]) == ("Third line, no id.", None)


def test_a_malformed_jsonl_row_is_an_error_item_not_a_crash(tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "ok", "text": "Fine."}\n{"id": "cut", "te\n["a list"]\n{"id": "n"}\n')
    items = list(discover([str(rows)]))
    assert _ids(items) == ["ok", "rows.jsonl#2", "rows.jsonl#3", "n"]
    assert [bool(item.error) for item in items] == [False, True, True, True]
    assert "malformed JSON" in items[1].error
    assert "not a JSON object" in items[2].error
    assert '"text"' in items[3].error


def test_a_second_input_with_a_used_id_is_an_error_naming_the_first(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("A.")
    (tmp_path / "b" / "story.txt").write_text("B.")
    (tmp_path / "rows.jsonl").write_text(
        '{"id": "story.txt", "text": "C."}\n{"id": "r", "text": "D."}\n{"id": "r", "text": "E."}\n'
    )
    items = list(discover([str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "rows.jsonl")]))
    assert _ids(items) == ["story.txt", "story.txt", "story.txt", "r", "r"]
    errors = [item.error for item in items]
    assert errors[0] is None and errors[3] is None
    assert "duplicate id 'story.txt'" in errors[1] and (tmp_path / "a").as_posix() in errors[1]
    assert "duplicate id" in errors[2] and "duplicate id 'r'" in errors[4]
