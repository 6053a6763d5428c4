"""`newsum convert`: make a CTranslate2 copy of a local seq2seq model for the ct2 backend."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("convert")
    def convert(
        model_dir: Annotated[
            str, typer.Argument(help="A transformers seq2seq model directory or hub-cache id.")
        ],
        out_dir: Annotated[str, typer.Argument(help="Where to write the CTranslate2 model.")],
        quantization: Annotated[
            str,
            typer.Option(help="int8 (default) | int8_float32 | int16 | float16 | float32 ..."),
        ] = "int8",
        force: Annotated[bool, typer.Option(help="Overwrite a non-empty OUT_DIR.")] = False,
    ) -> None:
        """Convert a seq2seq model to CTranslate2 (then: --backend ct2 --model OUT_DIR)."""
        from app.cli import fail
        from summarizer.errors import NewsumError
        from summarizer.generate.ct2 import convert as convert_model

        try:
            out = convert_model(model_dir, out_dir, quantization=quantization, force=force)
        except NewsumError as exc:
            raise fail(str(exc)) from None
        typer.echo(f"wrote {out} ({quantization}); use it with --backend ct2 --model {out}")
