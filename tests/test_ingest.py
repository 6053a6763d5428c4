"""Ingest: raw text, HTML and bytes become one cleaned text; furniture goes, the story stays."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.errors import InputError, InputTooLarge
from summarizer.furniture import furniture_kind, top_furniture_kind
from summarizer.ingest import (
    DEFAULT_MAX_CHARS,
    CleanText,
    clean_text,
    clean_title,
    decode_bytes,
    detect_language,
    html_to_text,
    ingest,
    looks_like_html,
    normalize_text,
    read_path,
)

# A page written for these tests: furniture around a four-sentence story.
STORY = [
    "The harbour bridge in Port Ellis reopened to traffic on Monday after eight months of repairs.",
    "Engineers replaced 212 corroded cables, the city council said in a statement.",
    "An advertisement announcing the reopening ran in the local paper for a week.",
    "“We expect about 40,000 vehicles a day,” said traffic officer Mara Lind.",
]
PAGE = f"""Home > Local > Transport

Harbour bridge reopens after repairs

By Jane Doe, Staff Writer
Published 3 March 2021

{STORY[0]}
ADVERTISEMENT
{STORY[1]}

Story continues below advertisement

{STORY[2]}
Share this article
Harbour bridge reopens after repairs
Photo: Tom Reed / Getty Images
{STORY[3]}
Follow us on Twitter
Home | News | Politics
©2021 Example Corp
"""


def test_furniture_is_removed_and_every_story_sentence_kept():
    result = ingest(PAGE)
    assert result.text.split("\n") == [STORY[0], STORY[1], "", STORY[2], STORY[3]]
    assert result.title == "Harbour bridge reopens after repairs"
    assert "ADVERTISEMENT" in result.removed
    assert "©2021 Example Corp" in result.removed
    assert result.removed.count("Harbour bridge reopens after repairs") == 2
    assert result.language == "en"


def test_sentence_mentioning_advertisement_is_kept():
    text = "The advertisement ran for three weeks before the regulator stepped in.\nAdvertisement"
    assert (
        ingest(text).text
        == "The advertisement ran for three weeks before the regulator stepped in."
    )


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "- ADVERTISEMENT -",
        "Story continues below advertisement",
        "Continue reading the main story",
        "Share this article",
        "Share on Facebook",
        "Follow us on Instagram @example",
        "Sign up for our newsletter",
        "Read more: Council approves new budget",
        "Related: Ferry services cut",
        "Click here to subscribe",
        "© 2021 Example Corp",
        "(c) 2021 Example Corp",
        "Copyright 2021 Example Media Ltd",
        "Example Media Ltd. All rights reserved.",
        "Home > World > Europe",
        "Home | News | Politics",
        "Photo: Jane Doe / Getty Images",
        "(Reuters photo)",
        "Image source, Getty Images",
    ],
)
def test_furniture_lines(line):
    assert furniture_kind(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "The advertisement ran for three weeks.",
        "Advertisement spending fell by 4% in the quarter, the agency said.",
        "Share prices fell sharply on Tuesday.",
        "Copyright lawyers said the ruling would be appealed.",
        "(c) the right to appeal within 30 days;",
        "Click",
        "She said the photo: a blurred shot of the crowd, was real.",
        "Inflation rose to 3% in March > the central bank's target.",
        "Readers can follow the hearing live on the court's website.",
    ],
)
def test_story_lines_are_not_furniture(line):
    assert furniture_kind(line) is None


def test_byline_is_furniture_only_at_the_top():
    assert top_furniture_kind("By Jane Doe, Staff Writer") == "byline"
    assert top_furniture_kind("By Jane Doe and Ali Khan | Political Desk") == "byline"
    assert top_furniture_kind("By Monday, the talks had stalled") is None
    text = "The mayor spoke first at the meeting.\nBy Jane Doe, Staff Writer\nThen came questions."
    assert "By Jane Doe, Staff Writer" in ingest(text).text


def test_title_from_first_line_followed_by_blank_line():
    result = ingest("Council votes to close library\n\nThe council voted 7 to 2 on Tuesday.")
    assert result.title == "Council votes to close library"
    assert result.text == "The council voted 7 to 2 on Tuesday."


def test_first_line_kept_when_it_is_a_sentence():
    text = "The council voted 7 to 2 on Tuesday.\n\nThe library will close in May."
    result = ingest(text)
    assert result.title is None
    assert result.text == text


def test_first_line_kept_when_nothing_marks_it_as_headline():
    text = "Ministers met in the capital\nto discuss the budget on Friday."
    assert ingest(text).text == text


def test_given_title_wins_and_is_cleaned():
    text = "Council votes to close library\n\nThe council voted 7 to 2 on Tuesday."
    result = ingest(text, title="  Library to close\n | Example News ")
    assert result.title == "Library to close"
    assert result.text == "The council voted 7 to 2 on Tuesday."


def test_given_title_repeated_in_text_is_removed():
    text = "The council voted 7 to 2 on Tuesday.\nLIBRARY TO CLOSE!\nThe library closes in May."
    result = ingest(text, title="Library to close")
    assert result.text == "The council voted 7 to 2 on Tuesday.\nThe library closes in May."


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Storm hits coast | Example News", "Storm hits coast"),
        ("Storm hits coast - Example News", "Storm hits coast"),
        ("Storm hits coast | World | The Example", "Storm hits coast"),
        ("Brexit - what happens next", "Brexit - what happens next"),
        ("  Two\n lines  ", "Two lines"),
        ("   ", None),
    ],
)
def test_clean_title(title, expected):
    assert clean_title(title) == expected


def test_normalisation_keeps_quotes_and_paragraphs():
    text = "Line one said “hello”.  \r\nLine\x00 two.\r\rLine three.\n\n\n\n\nLine four ends here."
    result = ingest(text)
    assert result.text == "Line one said “hello”.\nLine two.\n\nLine three.\n\nLine four ends here."


def test_nfc_normalisation():
    assert ingest("Cafe\u0301 owners protested on the main square.").text.startswith("Café")


def test_utf8_with_bom():
    data = "\ufeffThe café reopened on Monday morning.".encode()
    assert ingest(data).text == "The café reopened on Monday morning."


def test_utf16_with_bom():
    data = "Die Straße bleibt bis Freitag gesperrt.".encode("utf-16")
    assert decode_bytes(data) == "Die Straße bleibt bis Freitag gesperrt."


def test_cp1252_bytes():
    text = "The chef said “the café will stay open” – and meant it."
    assert decode_bytes(text.encode("cp1252")) == text


def test_cp1252_french_accents_are_not_read_as_central_european():
    text = "Il a dit très clairement que la réforme était terminée."
    assert decode_bytes(text.encode("cp1252")) == text


def test_mostly_utf8_with_a_broken_byte_keeps_utf8():
    # Decision: real UTF-8 sequences outnumber the broken ones -> UTF-8 with U+FFFD.
    data = "Zoë and José met on Friday.".encode() + b" Bad \xc3\x28 byte."
    assert decode_bytes(data) == "Zoë and José met on Friday. Bad \ufffd( byte."


def test_high_bytes_that_are_no_charset_are_refused():
    with pytest.raises(InputError, match="not text in any encoding"):
        decode_bytes(bytes(range(0x80, 0x100)) * 4)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n%binary", "PDF"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"\x7fELF\x02\x01\x01", "ELF"),
        (b"plain words\x00then a NUL", "NUL"),
        (random.Random(0).randbytes(4096), "binary"),
        (random.Random(0).randbytes(4096).replace(b"\x00", b""), "binary"),
    ],
)
def test_binary_is_refused(data, kind):
    with pytest.raises(InputError, match="looks binary") as info:
        ingest(data)
    assert kind in str(info.value)


@pytest.mark.parametrize("data", ["", "   \n\t  \n", b"", b"\xef\xbb\xbf", "Advertisement\n"])
def test_empty_input(data):
    with pytest.raises(InputError, match="input is empty"):
        ingest(data)


@pytest.mark.parametrize("data", ["123 456", "!!! ???", "Hi there"])
def test_no_article_text(data):
    with pytest.raises(InputError, match="no article text"):
        ingest(data)


def test_too_large_string_names_the_limit():
    with pytest.raises(InputTooLarge, match="200,000") as info:
        ingest("x" * 5_000_000)
    assert info.value.limit == DEFAULT_MAX_CHARS


def test_clean_text_checks_size_first():
    with pytest.raises(InputTooLarge):
        clean_text("\n" * 101, max_chars=100)


HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Ferry strike ends | Example Times</title>
<script>window.trackingCode = "do-not-show";</script>
<style>body { font-family: serif; }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Ferry strike ends</h1>
<p>Ferry crews on the northern route returned to work on Thursday after a nine-day strike.</p>
<p>The union said members had accepted a pay rise of 6% over two years.</p>
<p>Services between the two islands will run to the normal timetable from Saturday.</p>
</article>
<footer>Copyright 2024 Example Times. Contact us. Terms of use.</footer>
</body></html>"""


def test_html_page():
    result = ingest(HTML_PAGE)
    assert result.title == "Ferry strike ends"
    assert "Ferry crews on the northern route returned to work" in result.text
    assert "pay rise of 6% over two years." in result.text
    for noise in ("do-not-show", "font-family", "Sport", "Copyright", "Terms of use"):
        assert noise not in result.text
    assert "Ferry strike ends" not in result.text


def test_html_falls_back_to_lxml(monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    text, title = html_to_text(HTML_PAGE)
    assert title == "Ferry strike ends"
    assert "do-not-show" not in text and "Sport" not in text and "Copyright" not in text
    assert (
        "Services between the two islands will run to the normal timetable from Saturday." in text
    )


def test_html_given_title_wins():
    assert ingest(HTML_PAGE, title="Strike over").title == "Strike over"


def test_looks_like_html():
    assert looks_like_html(HTML_PAGE)
    assert looks_like_html("<div><p>One</p><p>Two</p></div>")
    assert not looks_like_html("The <b> tag makes text bold, the engineer explained.")
    assert not looks_like_html("Write to <jane@example.com> for details.")


def test_html_can_be_forced_off():
    text = "<p>Tags</p> are shown <p>as</p> they are <p>here</p> in the article."
    assert ingest(text, html=False).text == text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Die Regierung hat am Dienstag angekündigt, dass die Steuern nicht steigen werden.", "de"),
        ("Правительство объявило во вторник, что налоги в следующем году не вырастут.", "ru"),
        ("Le gouvernement a annoncé mardi que les impôts ne seront pas augmentés.", "fr"),
        ("El gobierno anunció el martes que los impuestos no subirán el próximo año.", "es"),
        ("Η κυβέρνηση ανακοίνωσε την Τρίτη ότι οι φόροι δεν θα αυξηθούν.", "el"),
        ("政府は火曜日、来年は増税しないと発表した。", "ja"),
        ("The government said on Tuesday that taxes would not rise next year.", "en"),
        ("Zzz qqq xxx.", "en"),
    ],
)
def test_language(text, language):
    assert detect_language(text) == language


def test_ingest_reports_language():
    assert ingest("Der Minister sagte, die Brücke wird im Mai wieder geöffnet.").language == "de"


def test_read_path_text_and_html(tmp_path):
    plain = tmp_path / "story.txt"
    plain.write_bytes(
        "Bridge reopens\n\nThe bridge reopened on Monday, “finally”.".encode("cp1252")
    )
    result = read_path(plain)
    assert result == CleanText(
        "The bridge reopened on Monday, “finally”.", "Bridge reopens", ("Bridge reopens",), "en"
    )
    page = tmp_path / "page.htm"
    page.write_text(HTML_PAGE, encoding="utf-8")
    assert read_path(page).title == "Ferry strike ends"


def test_read_path_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_path(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1000)
    with pytest.raises(InputTooLarge, match="bytes"):
        read_path(big, max_chars=1000)


# Lines that exercise every rule: furniture, headline-like lines, sentences, blanks, noise.
_LINES = st.one_of(
    st.sampled_from(
        [
            "",
            "  ",
            "Advertisement",
            "Harbour bridge reopens",
            "HARBOUR BRIDGE REOPENS!",
            "By Jane Doe, Staff Writer",
            "© 2021 Example Corp",
            "Home > World > Europe",
            "Share this article",
            STORY[0],
            STORY[3],
        ]
    ),
    st.text(max_size=60),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_LINES, max_size=12).map("\n".join), st.sampled_from(["\n", "\r\n", "\r"]))
def test_output_lines_come_from_the_input(text, newline):
    text = text.replace("\n", newline)
    try:
        result = ingest(text, html=False)
    except InputError:
        return
    source = {line.strip() for line in normalize_text(text).split("\n")}
    for line in result.text.split("\n"):
        assert line.strip() in source
    assert result.text == result.text.strip("\n")
    assert "\n\n\n" not in result.text


def test_punctuation_line_is_not_a_title_repeat():
    result = ingest("* * *\nThe council met on Tuesday.", title="!!!")
    assert result.text == "* * *\nThe council met on Tuesday."


@pytest.mark.parametrize(
    "data",
    [
        b"\xc3\x28\xa0\xa1\xe2\x28\xa1" * 20,  # broken UTF-8 sequences, no spaces
        b"\xed\xa0\x80\xc0\xaf" * 30,  # overlong/surrogate UTF-8, no spaces
        b"\xff\xfe\xfa\xfb" * 10 + b"\x00\x01",  # a UTF-16 BOM in front of garbage
    ],
)
def test_garbage_that_some_charset_could_decode_is_still_refused(data):
    with pytest.raises(InputError, match="UTF"):
        decode_bytes(data)


def test_legacy_cyrillic_prose_still_decodes():
    text = "Министр сказал, что переговоры продолжатся в четверг."
    assert decode_bytes(text.encode("cp1251")) == text
