"""Block Kit rendering of a brief (the StructuredSummary JSON dict), within Slack's limits.

Slack rejects a whole message when one block breaks a limit, so every text is clipped
here, cleanly (at a word, never inside an ``&amp;`` escape), and long lists end with
"…and N more" rather than running past 50 blocks.
"""

from __future__ import annotations

import re
from typing import Any

# Slack's limits (https://docs.slack.dev/reference/block-kit/blocks).
MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
CONTEXT_TEXT = 2000
CONTEXT_ELEMENTS = 10
# The notification text: Slack allows far more, but a notification shows a line or two.
FALLBACK_TEXT = 3000

# Our own caps, so that one list cannot crowd out the others.
LINE_CHARS = 800
ACTOR_BLOCKS = 3
STEP_BLOCKS = 4
ROWS_PER_SECTION = FIELDS_PER_SECTION // 2
MORE_RESERVE = 40  # room for "…and N more" at the end of a packed section
ELLIPSIS = "\u2026"

Block = dict[str, Any]
_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than newlines


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word where one is near."""
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def clip_escaped(text: str, limit: int) -> str:
    """``escape(text)`` in at most ``limit`` characters, never cutting an escape in half."""
    room = limit
    while True:
        out = escape(clip(text, room))
        if len(out) <= limit:
            return out
        room -= len(out) - limit


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def _section(text: str | None = None, fields: list[str] | None = None) -> Block:
    block: Block = {"type": "section"}
    if text:
        block["text"] = _mrkdwn(text)
    if fields:
        block["fields"] = [_mrkdwn(f) for f in fields]
    return block


def _more(n: int, what: str) -> str:
    return f"_{ELLIPSIS}and {n} more {what}_"


def pack_lines(title: str, lines: list[str], max_blocks: int, what: str) -> list[Block]:
    """A titled list as few sections as it needs, at most ``max_blocks`` of them."""
    if not lines or max_blocks < 1:
        return []
    blocks: list[Block] = []
    current = f"*{title}*"
    shown = 0
    for line in lines:
        if len(current) + 1 + len(line) <= SECTION_TEXT - MORE_RESERVE:
            current += "\n" + line
        elif len(blocks) + 1 < max_blocks:
            blocks.append(_section(current))
            current = line
        else:
            break
        shown += 1
    if shown < len(lines):
        current += "\n" + _more(len(lines) - shown, what)
    blocks.append(_section(current))
    return blocks


def _conf(item: dict[str, Any]) -> str:
    """ " _(0.83)_": a trained decision's confidence in the item, when there is one."""
    value = item.get("confidence")
    return f" _({value:.2f})_" if isinstance(value, int | float) else ""


def actor_lines(brief: dict[str, Any]) -> list[str]:
    lines = []
    for actor in brief.get("key_actors") or []:
        detail = actor.get("role") or actor.get("type") or ""
        detail = f" ({detail})" if detail else ""
        line = f"\u2022 *{actor.get('name', '?')}*{detail}{_conf(actor)}"
        lines.append(clip_escaped(line, LINE_CHARS))
    return lines


def step_lines(brief: dict[str, Any]) -> list[str]:
    lines = []
    for step in brief.get("next_steps") or []:
        who = f"*{step['actor']}*: " if step.get("actor") else ""
        when = f" _({step['when']})_" if step.get("when") else ""
        line = f"\u2022 {who}{step.get('action', '')}{when}{_conf(step)}"
        lines.append(clip_escaped(line, LINE_CHARS))
    return lines


def _statement(item: dict[str, Any], verb: str) -> str:
    statement = " ".join(str(item.get("statement", "")).split())
    if item.get("direct_quote"):
        statement = f"\u201c{statement}\u201d"
    speaker = f"*{item.get('speaker', '?')}* {verb}{_conf(item)}"
    return clip_escaped(f"{speaker}:\n{statement}", FIELD_TEXT)


def claim_rows(brief: dict[str, Any]) -> list[tuple[str, str]]:
    """(claim, denial) pairs side by side: who claims what, and who denies it."""
    claims = brief.get("claims") or []
    denials = brief.get("denials") or []
    claim_ids = {c.get("id") for c in claims}
    rebuttals: dict[str, list[dict[str, Any]]] = {}
    for denial in denials:
        if denial.get("rebuts") in claim_ids:
            rebuttals.setdefault(denial["rebuts"], []).append(denial)
    rows: list[tuple[str, str]] = []
    for claim in claims:
        against = rebuttals.get(claim.get("id"), [])
        first = _statement(against[0], "denies") if against else "\u2014"
        rows.append((_statement(claim, "claims"), first))
        rows += [("\u2014", _statement(d, "denies")) for d in against[1:]]
    unmatched = [d for d in denials if d.get("rebuts") not in claim_ids]
    rows += [("\u2014", _statement(d, "denies")) for d in unmatched]
    return rows


def pack_claims(rows: list[tuple[str, str]], max_blocks: int) -> list[Block]:
    """Claims and denials as two-column rows, five rows per section."""
    if not rows or max_blocks < 1:
        return []
    shown = min(len(rows), max_blocks * ROWS_PER_SECTION)
    blocks = []
    for start in range(0, shown, ROWS_PER_SECTION):
        chunk = rows[start : start + ROWS_PER_SECTION]
        blocks.append(_section(fields=[field for row in chunk for field in row]))
    blocks[0]["text"] = _mrkdwn("*Claims and denials*")
    if shown < len(rows):
        note = _more(len(rows) - shown, "claims and denials")
        last = blocks[-1]
        last["text"] = _mrkdwn(f"{last['text']['text']}\n{note}" if "text" in last else note)
    return blocks


def footer_text(brief: dict[str, Any], source_url: str | None = None) -> str:
    meta = brief.get("meta") or {}
    generator = meta.get("generator") or {}
    parts = ["newsum", generator.get("backend") or "unknown generator"]
    if generator.get("model"):
        parts.append(str(generator["model"]))
    if isinstance(meta.get("elapsed_ms"), int | float):
        parts.append(f"{meta['elapsed_ms']:.0f} ms")
    if isinstance(meta.get("source_chars"), int):
        read = f"{meta['source_chars']:,} characters read"
        parts.append(read + (" (truncated)" if meta.get("truncated") else ""))
    text = clip_escaped(" \u00b7 ".join(parts), CONTEXT_TEXT - 300)
    if source_url and len(source_url) <= 250 and not any(c in source_url for c in "<>| "):
        text += f" \u00b7 <{source_url}|source>"
    return text


def fallback_text(brief: dict[str, Any]) -> str:
    """The plain-text ``text`` that notifications and screen readers show."""
    headline = " ".join(str(brief.get("headline") or "Brief").split())
    summary = " ".join(str(brief.get("summary") or "").split())
    return clip(f"{headline}: {summary}" if summary else headline, FALLBACK_TEXT)


def brief_blocks(brief: dict[str, Any], source_url: str | None = None) -> list[Block]:
    """The brief as Block Kit: header, summary, actors, claims vs denials, next steps, context."""
    headline = clip(" ".join(str(brief.get("headline") or "").split()) or "Brief", HEADER_TEXT)
    head: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": headline}}]
    if brief.get("summary"):
        head.append(_section(clip_escaped(str(brief["summary"]), SECTION_TEXT)))

    tail: list[Block] = [{"type": "divider"}]
    warnings = (brief.get("meta") or {}).get("warnings") or []
    if warnings:
        shown = [f":warning: {w}" for w in warnings[: CONTEXT_ELEMENTS - 1]]
        if len(warnings) > len(shown):
            shown.append(_more(len(warnings) - len(shown), "warnings"))
        elements = [_mrkdwn(clip_escaped(w, CONTEXT_TEXT)) for w in shown]
        tail.append({"type": "context", "elements": elements})
    tail.append({"type": "context", "elements": [_mrkdwn(footer_text(brief, source_url))]})

    room = MAX_BLOCKS - len(head) - len(tail)
    actors = pack_lines("Key actors", actor_lines(brief), min(ACTOR_BLOCKS, room), "actors")
    room -= len(actors)
    steps_lines = step_lines(brief)
    # Keep room for next steps before the claims take what is left.
    step_room = min(STEP_BLOCKS, max(0, room - 1)) if steps_lines else 0
    claims = pack_claims(claim_rows(brief), room - step_room)
    room -= len(claims)
    steps = pack_lines("Next steps", steps_lines, min(STEP_BLOCKS, room), "next steps")
    return head + actors + claims + steps + tail


def brief_message(brief: dict[str, Any], source_url: str | None = None) -> dict[str, Any]:
    """``text`` and ``blocks`` for chat.postMessage or a response_url post."""
    return {"text": fallback_text(brief), "blocks": brief_blocks(brief, source_url)}


def error_message(message: str) -> dict[str, Any]:
    """A short friendly failure note (plain text: nothing there can break a limit)."""
    return {"text": f":warning: {clip(message, 500)}"}
