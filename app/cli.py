"""The `newsum` command line: thin wrappers over the summarizer library.

Bad input exits with code 2 and one line on stderr, never a stack trace.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from summarizer.errors import NewsumError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="newsum: structured news briefs (headline, actors, claims vs denials, next steps).",
)

EXIT_BAD_INPUT = 2

BackendOpt = Annotated[
    str,
    typer.Option(
        "--backend",
        envvar="NEWSUM_BACKEND",
        help="extractive (default, no weights) | seq2seq | llm | gguf | openai | ct2 | auto.",
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option("--model", envvar="NEWSUM_MODEL", help="Model directory or hub-cache id."),
]


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    typer.echo(f"newsum: error: {message}", err=True)
    return typer.Exit(code)


def read_stdin(max_chars: int) -> bytes:
    """stdin up to the most any article may take (HTML at its size factor): reading it all
    first let an endless stream fill memory before the size check."""
    from summarizer.errors import InputError
    from summarizer.ingest import BYTES_PER_CHAR, HTML_FACTOR

    limit = BYTES_PER_CHAR * HTML_FACTOR * max_chars
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"stdin is over the limit of {limit:,} bytes")
    return data


def _read_input(path: str) -> tuple[bytes, bool | None]:
    if path == "-":
        from summarizer.ingest import DEFAULT_MAX_CHARS

        return read_stdin(DEFAULT_MAX_CHARS), None
    from summarizer.ingest import read_bytes

    return read_bytes(path)


@app.command()
def summarize(
    paths: Annotated[
        list[str], typer.Argument(help="Text or HTML files, or - for stdin.", show_default=False)
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | markdown")] = "json",
    title: Annotated[str | None, typer.Option(help="The article's headline, if known.")] = None,
    with_source: Annotated[
        bool, typer.Option("--with-source", help="Add the cleaned text the offsets refer to.")
    ] = False,
    backend: BackendOpt = "extractive",
    model: ModelOpt = None,
    max_claims: Annotated[
        int, typer.Option("--max-claims", min=1, max=32, help="Claims to keep, most central first.")
    ] = 8,
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            help="Drop items whose confidence is below this (0-1): fewer, surer items.",
        ),
    ] = 0.0,
) -> None:
    """Brief one article (or several, one after another)."""
    from summarizer.confidence import apply_min_confidence
    from summarizer.ingest import ingest, read_path
    from summarizer.pipeline import Pipeline
    from summarizer.render import FORMATS, render, to_json

    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    try:
        pipeline = Pipeline(backend=backend, model=model, max_claims=max_claims)
    except NewsumError as exc:
        raise fail(str(exc)) from None
    failed = 0
    for path in paths:
        try:
            if path == "-":
                data = read_stdin(pipeline.max_chars)
                clean = ingest(data, title=title, max_chars=pipeline.max_chars)
            else:
                clean = read_path(path, title=title, max_chars=pipeline.max_chars)
            brief = pipeline.summarize_clean([clean], with_source=with_source)[0]
            brief = apply_min_confidence(brief, min_confidence)
        except NewsumError as exc:
            prefix = "" if len(paths) == 1 else f"{path}: "
            typer.echo(f"newsum: error: {prefix}{exc}", err=True)
            failed += 1
            continue
        if fmt == "json" and len(paths) > 1:
            typer.echo(to_json(brief, indent=None))  # several briefs: one JSON line each
        else:
            typer.echo(render(brief, fmt))
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("eval")
def evaluate(
    data: Annotated[
        Path | None,
        typer.Argument(help="JSONL with id, text, title, reference_summary, who (not with --cv)."),
    ] = None,
    gold: Annotated[Path | None, typer.Option(help="Hand annotations (dev-gold.jsonl).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
    backend: BackendOpt = "extractive",
    model: ModelOpt = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N articles.")] = None,
    cv: Annotated[
        int | None,
        typer.Option(
            "--cv",
            min=2,
            max=20,
            help="K-fold article-grouped cross-validation of the trained post-processor over "
            "every annotated article (dev-gold + train-gold), beside the rules and a keyword "
            "baseline on the same folds.",
        ),
    ] = None,
    eval_dir: Annotated[
        Path | None,
        typer.Option("--eval-dir", help="Folder of the gold files for --cv (../shared/eval)."),
    ] = None,
) -> None:
    """Measure briefs against references (ROUGE, Lead-3) and hand annotations."""
    from rich.progress import Progress

    if cv is not None:
        _cross_validate(cv, eval_dir, as_json)
        return
    if data is None:
        raise fail("give a JSONL file to evaluate, or --cv K")

    from summarizer import evaluation
    from summarizer.pipeline import Pipeline

    try:
        rows = evaluation.load_jsonl(data)[:limit]
        gold_rows = evaluation.load_gold(gold) if gold else None
        pipeline = Pipeline(backend=backend, model=model)

        def brief_fn(text: str, title: str | None):
            return pipeline.summarize(text, title, with_source=True)

        with Progress(transient=True, disable=as_json or not sys.stderr.isatty()) as bar:
            task = bar.add_task("briefing", total=len(rows))
            report = evaluation.evaluate(
                rows,
                brief_fn,
                gold_rows,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except NewsumError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot read {exc.filename}: {exc.strerror}") from None
    typer.echo(json.dumps(report, indent=2) if as_json else evaluation.format_report(report))


def _cross_validate(k: int, eval_dir: Path | None, as_json: bool) -> None:
    from summarizer.learn.cv import cross_validate, format_cv
    from summarizer.learn.data import default_eval_dir, load_articles

    folder = eval_dir or default_eval_dir()
    if not (folder / "train-gold.jsonl").is_file():
        raise fail(f"no gold files in {folder} (give --eval-dir)")
    try:
        typer.echo(f"newsum: parsing the annotated articles in {folder} ...", err=True)
        articles = load_articles(folder)
        report = cross_validate(
            articles, k, progress=lambda line: typer.echo(f"newsum: {line}", err=True)
        )
    except NewsumError as exc:
        raise fail(str(exc)) from None
    if as_json:
        report.pop("details", None)
        typer.echo(json.dumps(report, indent=2))
    else:
        typer.echo(format_cv(report))


@app.command("train")
def train(
    eval_dir: Annotated[
        Path | None,
        typer.Option("--eval-dir", help="Folder of dev-gold.jsonl and train-gold.jsonl."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the models (default: the shipped ones)."),
    ] = None,
    only: Annotated[
        str | None, typer.Option("--only", help="One model: postprocess | headlines.")
    ] = None,
) -> None:
    """Rebuild the trained models from the gold files and headlines, deterministically."""
    from summarizer.learn.build import TRAINERS, default_eval_dir

    folder = eval_dir or default_eval_dir()
    if not (folder / "train-gold.jsonl").is_file():
        raise fail(f"no gold files in {folder} (give --eval-dir)")
    if only is not None and only not in TRAINERS:
        raise fail(f"unknown model {only!r}; choose one of: {', '.join(TRAINERS)}")
    try:
        for name, trainer in TRAINERS.items():
            if only is not None and name != only:
                continue
            typer.echo(f"newsum: training {name} ...", err=True)
            summary = trainer(folder, out)
            typer.echo(f"newsum: {name}: {summary}")
    except NewsumError as exc:
        raise fail(str(exc)) from None


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the brief."""
    from summarizer.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


# Commands owned by other modules register themselves here, so that each stays small
# and the CLI starts fast (they import their heavy dependencies inside the command).
_COMMAND_MODULES = ("app.cli_batch", "app.cli_serve", "app.cli_slack", "app.cli_models")


_registered = False


def build_app() -> typer.Typer:
    """The CLI with every command registered (done on first call, not at import time,
    so that command modules can import this one)."""
    global _registered
    if not _registered:
        _registered = True
        _register_commands()
    return app


def _register_commands() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


def main() -> None:
    build_app()()


if __name__ == "__main__":
    main()
