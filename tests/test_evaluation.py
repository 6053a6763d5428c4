"""The evaluation engine on hand-built briefs and hand-written gold (no spaCy, no pipeline)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer import evaluation as ev
from summarizer.errors import InputError
from summarizer.schema import (
    Actor,
    Claim,
    Denial,
    Evidence,
    GeneratorInfo,
    Meta,
    NextStep,
    StructuredSummary,
)

# An invented article: four sentences, offsets computed from the text itself.
S1 = "Gorvia Mining said output at the Tellin pit doubled last year."
S2 = "Mara Quell, the company's chief, told workers the pit would stay open."
S3 = "The Tellin miners' union rejected the claim as nonsense."
S4 = "Talks between both sides will resume on Monday."
SRC = " ".join([S1, S2, S3, S4])


def span(text: str, src: str = SRC) -> Evidence:
    start = src.index(text)
    return Evidence(start=start, end=start + len(text), text=text)


def actor(name: str, *aliases: str, kind: str = "person", evidence=()) -> Actor:
    return Actor(
        name=name,
        type=kind,
        aliases=list(aliases),
        mentions=1,
        salience=0.5,
        evidence=list(evidence),
    )


def claim(cid: str, speaker: str, text: str, src: str = SRC) -> Claim:
    return Claim(
        id=cid, speaker=speaker, statement=text, direct_quote=False, evidence=span(text, src)
    )


def denial(did: str, speaker: str, text: str, rebuts: str | None = None) -> Denial:
    return Denial(id=did, speaker=speaker, statement=text, rebuts=rebuts, evidence=span(text))


def step(text: str, src: str = SRC) -> NextStep:
    return NextStep(actor=None, action=text, evidence=span(text, src))


def brief(src: str = SRC, **fields) -> StructuredSummary:
    return StructuredSummary(
        headline=fields.pop("headline", "A headline"),
        summary=fields.pop("summary", "A summary."),
        meta=Meta(
            generator=GeneratorInfo(backend="test"),
            language="en",
            source_chars=len(src),
            elapsed_ms=0.0,
        ),
        source=src,
        **fields,
    )


GOLD = {
    "key_actors": [
        {"name": "Gorvia Mining", "type": "organization", "aliases": ["the company"]},
        {"name": "Mara Quell", "type": "person", "aliases": ["Ms Quell", "chief"]},
        {"name": "Tellin miners' union", "type": "group", "aliases": ["the union"]},
    ],
    "claims": [
        {"speaker": "Gorvia Mining", "statement": "Output doubled.", "evidence": S1},
        {"speaker": "Ms Quell", "statement": "The pit stays open.", "evidence": S2},
    ],
    "denials": [
        {
            "speaker": "the union",
            "denies": "That the pit stays open.",
            "evidence": S3,
            "rebuts_claim": 1,
        },  # fmt: skip
    ],
    "next_steps": [
        {"actor": "both sides", "action": "Resume talks", "when": "Monday", "evidence": S4}
    ],  # fmt: skip
}


def run(briefs: dict[str, StructuredSummary], gold: dict, rows: list[dict] | None = None, **kw):
    """evaluate() with a brief_fn that looks the brief up by the article text."""
    calls = []

    def brief_fn(text: str, title: str | None) -> StructuredSummary:
        calls.append((text, title))
        return briefs[text]

    if rows is None:
        rows = [{"id": gid, "source": "bbc-politics", "title": None, "text": src}
                for gid, src in ((g, briefs[g].source) for g in briefs)]  # fmt: skip
        briefs = {b.source: b for b in briefs.values()}
    report = ev.evaluate(rows, brief_fn, gold, **kw)
    return report, calls


# --------------------------------------------------------------------------- gold metrics


def test_overlap_match_counts_partial_span():
    b = brief(claims=[claim("c1", "Gorvia Mining", "output at the Tellin pit doubled"),
                      claim("c2", "Gorvia Mining", S4)])  # fmt: skip
    report, _ = run({"a": b}, {"a": GOLD})
    claims = report["gold"]["fields"]["claims"]
    assert (claims["tp"], claims["fp"], claims["fn"]) == (1, 1, 1)
    assert claims["precision"] == 0.5 and claims["recall"] == 0.5 and claims["f1"] == 0.5
    detail = report["gold"]["per_article"][0]["claims"]
    assert detail["missed"] == [S2]
    assert detail["spurious"] == [S4]


def test_one_to_one_two_predictions_on_one_gold_sentence():
    b = brief(claims=[claim("c1", "Gorvia Mining", S1), claim("c2", "Gorvia Mining", "Gorvia")])
    report, _ = run({"a": b}, {"a": GOLD})
    claims = report["gold"]["fields"]["claims"]
    assert (claims["tp"], claims["fp"], claims["fn"]) == (1, 1, 1)
    assert claims["precision"] == 0.5 and claims["recall"] == 0.5


def test_two_gold_items_on_one_sentence_take_two_predictions():
    gold = {**GOLD, "denials": [
        {"speaker": "the union", "denies": "x", "evidence": S3, "rebuts_claim": None},
        {"speaker": "Mara Quell", "denies": "y", "evidence": S3, "rebuts_claim": None},
    ]}  # fmt: skip
    b = brief(
        denials=[
            denial("d1", "Mara Quell", S3),
            denial("d2", "Tellin miners' union", "rejected the claim"),
            denial("d3", "Tellin miners' union", "the claim as nonsense"),
        ]
    )
    report, _ = run({"a": b}, {"a": gold})
    d = report["gold"]["fields"]["denials"]
    assert (d["tp"], d["fp"], d["fn"]) == (2, 1, 0)
    assert d["precision"] == pytest.approx(2 / 3) and d["recall"] == 1.0
    # Ties broken by speaker agreement: both matched denials get the right speaker.
    assert report["gold"]["denial_speaker_accuracy"] == {
        "correct": 2,
        "total": 2,
        "accuracy": 1.0,
    }


def test_actor_alias_and_subsequence_matching_top_eight():
    preds = [
        actor("Quell"),  # full-token run inside "Mara Quell"
        actor("the Gorvia Mining's", kind="organization"),  # "the " and possessive stripped
        actor("Tellin union", "the union", kind="group"),  # alias equals a gold alias
    ] + [actor(f"Nobody {i}") for i in range(7)]
    report, _ = run({"a": brief(key_actors=preds)}, {"a": GOLD})
    a = report["gold"]["fields"]["key_actors"]
    assert (a["tp"], a["fp"], a["fn"]) == (3, 5, 0)  # only the top 8 are scored
    assert a["precision"] == 3 / 8 and a["recall"] == 1.0


def test_actor_partial_token_is_not_a_match_and_duplicates_count_once():
    preds = [actor("Mar"), actor("Mara Quell"), actor("Ms Quell")]
    report, _ = run({"a": brief(key_actors=preds)}, {"a": GOLD})
    a = report["gold"]["fields"]["key_actors"]
    assert (a["tp"], a["fp"], a["fn"]) == (1, 2, 2)
    detail = report["gold"]["per_article"][0]["key_actors"]
    assert detail["matched"] == [["Mara Quell", "Mara Quell"]]
    assert sorted(detail["missed"]) == ["Gorvia Mining", "Tellin miners' union"]


def test_name_match_rules():
    assert ev.name_match("Stoltenberg", "Jens Stoltenberg") == 1
    assert ev.name_match("The Kremlin", "kremlin") == 2
    assert ev.name_match("Russia's", "Russia") == 2
    assert ev.name_match("U.S.", "US") == 2
    assert ev.name_match("Jens", "Jensen") == 0


def test_claim_speaker_accuracy_uses_both_alias_lists():
    b = brief(
        key_actors=[actor("Mara Quell", "the firm's chief")],
        claims=[
            claim("c1", "Mara Quell", S1),  # gold: Gorvia Mining -> wrong
            claim("c2", "the firm's chief", S2),  # ours -> Mara Quell; gold Ms Quell -> right
        ],
    )
    report, _ = run({"a": b}, {"a": GOLD})
    assert report["gold"]["claim_speaker_accuracy"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    wrong = report["gold"]["per_article"][0]["claims"]["speaker"]["wrong"]
    assert wrong == [{"evidence": S1, "gold": "Gorvia Mining", "ours": "Mara Quell"}]


def test_denial_link_accuracy():
    good = brief(
        claims=[claim("c1", "Gorvia Mining", S1), claim("c2", "Mara Quell", S2)],
        denials=[denial("d1", "the union", S3, rebuts="c2")],
    )
    bad_src = SRC + " "
    bad = brief(
        src=bad_src,
        claims=[claim("c1", "Gorvia Mining", S1, bad_src)],
        denials=[denial("d1", "the union", S3, rebuts="c1")],
    )
    unlinked_gold = {**GOLD, "denials": [{**GOLD["denials"][0], "rebuts_claim": None}]}
    none_src = SRC + "  "
    unlinked = brief(src=none_src, denials=[denial("d1", "the union", S3, rebuts=None)])
    report, _ = run(
        {"a": good, "b": bad, "c": unlinked}, {"a": GOLD, "b": GOLD, "c": unlinked_gold}
    )
    assert report["gold"]["denial_link_accuracy"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert report["gold"]["fields"]["denials"]["tp"] == 3


def test_evidence_validity_catches_a_bad_span():
    bad = Evidence(start=0, end=6, text="Gorvix")
    b = brief(
        key_actors=[actor("Gorvia Mining", evidence=[span("Gorvia Mining"), bad])],
        claims=[claim("c1", "Gorvia Mining", S1)],
        next_steps=[step(S4)],
    )
    report, _ = run({"a": b}, {})
    validity = report["evidence_validity"]
    assert (validity["valid"], validity["total"], validity["rate"]) == (3, 4, 0.75)
    assert validity["invalid"] == [
        {"id": "a", "field": "key_actors", "start": 0, "end": 6, "text": "Gorvix"}
    ]
    assert report["gold"] is None


def test_gold_located_after_whitespace_normalisation():
    src = SRC.replace("Mara Quell, the", "Mara Quell,\n  the").replace("’", "'")
    gold = {**GOLD, "claims": [{"speaker": "Ms Quell", "statement": "s", "evidence": S2}]}
    b = brief(src=src, claims=[claim("c1", "Mara Quell", "the pit would stay open", src)])
    report, _ = run({"a": b}, {"a": gold})
    assert report["gold"]["fields"]["claims"]["tp"] == 1
    assert report["gold"]["unlocated"] == 0


def test_locate_exact_normalised_fuzzy_and_none():
    assert ev.locate(SRC, S3) == (SRC.index(S3), SRC.index(S3) + len(S3))
    spaced = SRC.replace(" rejected ", "  rejected\n")
    start = spaced.index("The Tellin")
    assert ev.locate(spaced, S3) == (start, spaced.index("nonsense.") + len("nonsense."))
    # One word changed by the cleaner: found fuzzily as our whole sentence.
    assert ev.locate(SRC, S3.replace("rejected", "dismissed")) == (start, start + len(S3))
    assert ev.locate(SRC, "Something entirely unrelated to any of it.") is None


def test_gold_id_resolved_from_gold_dir(tmp_path):
    extra = "Kest Harbour will reopen on Friday. Officials said repairs were done."
    (tmp_path / "extra.txt").write_text(extra, encoding="utf-8")
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text(
        json.dumps(
            {
                "id": "extra",
                "key_actors": [{"name": "Kest Harbour", "type": "organization", "aliases": []}],
                "claims": [],
                "denials": [],
                "next_steps": [
                    {
                        "actor": None,
                        "action": "Reopen",
                        "when": "Friday",
                        "evidence": "Kest Harbour will reopen on Friday.",
                    }
                ],  # fmt: skip
            }
        )
        + "\n",
        encoding="utf-8",
    )
    gold = ev.load_gold(gold_file)
    assert list(gold) == ["extra"]
    b = brief(src=extra, next_steps=[step("will reopen on Friday", extra)])
    calls = []

    def brief_fn(text, title):
        calls.append((text, title))
        return b

    report = ev.evaluate([], brief_fn, gold)  # gold_dir defaults to the gold file's folder
    assert calls == [(extra, None)]
    assert report["articles"] == 1
    assert report["gold"]["fields"]["next_steps"]["tp"] == 1
    assert report["gold"]["per_article"][0]["id"] == "extra"
    # Explicit gold_dir without the file: a warning, not a crash.
    report = ev.evaluate([], brief_fn, dict(gold), gold_dir=tmp_path / "nowhere")
    assert report["articles"] == 0 and "extra" in report["warnings"][0]


def test_errors_are_recorded_and_gold_counted_as_missed():
    ok = brief(claims=[claim("c1", "Gorvia Mining", S1)])
    rows = [
        {"id": "bad", "source": "bbc-politics", "title": "T", "text": "boom"},
        {"id": "a", "source": "bbc-politics", "title": None, "text": SRC},
    ]

    def brief_fn(text, title):
        if text == "boom":
            raise InputError("not an article")
        return ok

    seen = []
    report = ev.evaluate(rows, brief_fn, {"bad": GOLD}, progress=lambda i, n: seen.append((i, n)))
    assert report["errors"] == [{"id": "bad", "code": "bad_input", "message": "not an article"}]
    assert seen == [(1, 2), (2, 2)]
    claims = report["gold"]["fields"]["claims"]
    assert (claims["tp"], claims["fp"], claims["fn"]) == (0, 0, 2)
    assert claims["precision"] is None and claims["recall"] == 0.0
    assert report["gold"]["per_article"][0]["error"] == "not an article"


def test_brief_made_once_per_article_with_no_title():
    rows = [{"id": "a", "source": "bbc-politics", "title": "Pit stays open", "text": SRC,
             "reference_summary": None, "who": ["Mara Quell"]}]  # fmt: skip
    b = brief(headline="Pit stays open", key_actors=[actor("Mara Quell")])
    report, calls = run({SRC: b}, {"a": GOLD}, rows=rows)
    assert calls == [(SRC, None)]
    assert report["headline"]["by_source"]["bbc-politics"]["ours"]["rouge1"] == 1.0
    assert report["who"]["recall"] == 1.0


# --------------------------------------------------------------------------- loading


def test_load_jsonl_names_the_bad_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": "a"}\n\n{"id": "b", oops}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"rows\.jsonl:3: malformed JSON"):
        ev.load_jsonl(path)
    path.write_text('{"id": "a"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r":2: expected a JSON object"):
        ev.load_jsonl(path)
    path.write_text('{"id": "a"}\n\n{"id": "b"}\n', encoding="utf-8")
    assert [r["id"] for r in ev.load_jsonl(path)] == ["a", "b"]
    with pytest.raises(InputError, match="cannot read"):
        ev.load_jsonl(tmp_path / "missing.jsonl")


# --------------------------------------------------------------------------- baselines, ROUGE, who


TINY = "Dr. Ivo Marsh opened the U.S. office. Staff cheered! Was it late? It was not. More text."


def test_sentence_splitter_and_lead3():
    assert ev.split_sentences(TINY) == [
        "Dr. Ivo Marsh opened the U.S. office.",
        "Staff cheered!",
        "Was it late?",
        "It was not.",
        "More text.",
    ]
    assert (
        ev.lead3_summary(TINY)
        == "Dr. Ivo Marsh opened the U.S. office. Staff cheered! Was it late?"
    )
    assert ev.split_sentences("Headline line\n\nBody starts here. Ends.") == [
        "Headline line",
        "Body starts here.",
        "Ends.",
    ]
    long = " ".join(f"w{i}" for i in range(30)) + ". Next."
    assert ev.lead_headline(long) == " ".join(f"w{i}" for i in range(15))
    assert ev.lead3_summary("") == "" and ev.lead_headline("") == ""


def test_rouge_headline_and_summary_beside_lead3():
    text = "Alpha beta gamma delta. Epsilon zeta eta. Theta iota kappa. Lambda mu."
    rows = [
        {"id": "h", "source": "giveme5w1h-gold", "title": "Alpha beta gamma delta.", "text": text,
         "who": ["Zed Corp", "the people"]},
        {"id": "s", "source": "cnn-dailymail", "title": None, "text": text + " ",
         "reference_summary": "Lambda mu. Theta iota kappa."},
    ]  # fmt: skip
    hb = brief(src=text, headline="Lambda mu", key_actors=[actor("Zed Corporation", "Zed Corp")])
    sb = brief(src=text + " ", summary="Theta iota kappa. Lambda mu.")
    report, _ = run({text: hb, text + " ": sb}, {}, rows=rows)

    head = report["headline"]["by_source"]["giveme5w1h-gold"]
    assert head["n"] == 1
    assert head["ours"]["rouge1"] == 0.0
    assert head["lead3"] == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert report["headline"]["overall"]["n"] == 1

    summ = report["summary"]["by_source"]["cnn-dailymail"]
    assert summ["ours"]["rouge1"] == 1.0
    # Sentence-level LCS (rougeLsum) is order-free; plain rougeL would not be 1.0 here.
    assert summ["ours"]["rougeLsum"] == 1.0
    assert summ["lead3"]["rouge1"] < 1.0

    assert report["who"] == {"articles": 1, "phrases": 2, "found": 1, "recall": 0.5,
                             "missed": [{"id": "h", "who": "the people"}]}  # fmt: skip
    text_report = ev.format_report(report)
    assert "headline ROUGE" in text_report and "lead3" in text_report
    assert "who recall  50.0" in text_report


def test_who_found_rules():
    actors = [actor("Donald Trump", "Trump"), actor("Mondelez International", kind="organization")]
    assert ev.who_found("President Trump", actors)  # shared capitalised token
    assert ev.who_found("mondelez international", actors)  # equal, case-insensitive
    assert not ev.who_found("President Obama", actors)  # a title alone is not enough
    assert not ev.who_found("Several people", actors)


def test_format_report_with_gold_is_a_table():
    b = brief(claims=[claim("c1", "Gorvia Mining", S1)], key_actors=[actor("Mara Quell")])
    report, _ = run({"a": b}, {"a": GOLD})
    text = ev.format_report(report)
    assert isinstance(text, str)
    assert "claims" in text and "100.0  50.0  66.7" in text
    assert "evidence validity 100.0" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("a "))
    assert "1/0/1" in row  # claims of article "a": tp/fp/fn
    json.dumps(report)  # the report is JSON-serialisable for --json


def test_module_does_not_import_spacy_or_rouge_at_import():
    code = (
        "import sys, summarizer.evaluation; "
        "print(sorted(m for m in ('spacy', 'rouge_score', 'nltk') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "[]"
