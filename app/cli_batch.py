"""`newsum batch`: brief many files into one JSONL, in parallel, resumably.

Exit codes: 0 every input briefed, 3 some went to the errors file, 2 bad arguments,
130 interrupted (Ctrl-C; continue with --resume).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli import BackendOpt, ModelOpt, fail

EXIT_SOME_FAILED = 3
EXIT_INTERRUPTED = 130


def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (recursive) and globs: .txt .md .html .htm, and .jsonl "
            "with rows {text, id?, title?}.",
            show_default=False,
        ),
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            "-o",
            help="Results, one JSON line per brief; with --engine ray, a DIR/ or URI "
            "(s3://bucket/run/) gets JSONL shards written by the workers and a manifest.",
        ),
    ],
    errors: Annotated[
        Path | None,
        typer.Option(
            help="Failed inputs {id, path, reason} (default: OUT_STEM.errors.jsonl next to --out)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", help="Worker processes or Ray actors (default: the CPU count)."
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Skip ids already in --out (after a crash).")
    ] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Start again even if --out holds results.")
    ] = False,
    engine: Annotated[str, typer.Option(help="local (process pool) | ray (Ray actors).")] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(help="Ray cluster: auto | ray://host:10001 (default: start a local Ray)."),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option(help="Articles per worker call (one nlp.pipe, one generate batch).")
    ] = 16,
    backend: BackendOpt = "extractive",
    model: ModelOpt = None,
) -> None:
    """Brief many articles into one JSONL file: parallel, resumable, lossless."""
    from summarizer.batch import BadArguments, BatchJob, run_batch, shard_job
    from summarizer.batch.ray_engine import RayUnavailable
    from summarizer.batch.shards import is_shard_target

    options = dict(
        inputs=inputs,
        errors=errors,
        workers=workers,
        chunk_size=chunk_size,
        resume=resume,
        overwrite=overwrite,
        engine=engine,
        ray_address=ray_address,
        backend=backend,
        model=model,
    )
    job = shard_job(out, **options) if is_shard_target(out) else BatchJob(out=Path(out), **options)
    try:
        counts = run_batch(job)
    except (BadArguments, RayUnavailable) as exc:
        raise fail(str(exc)) from None
    except OSError as exc:  # a read-only or full disk: one line, nothing half-written
        where = f" {exc.filename}" if exc.filename else ""
        raise fail(f"cannot write{where}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:  # what was written is whole and fsynced
        typer.echo("newsum batch: interrupted; rerun with --resume to continue", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if counts.failed:
        typer.echo(f"newsum batch: see {job.errors_path} for the failed inputs", err=True)
        raise typer.Exit(EXIT_SOME_FAILED)


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
