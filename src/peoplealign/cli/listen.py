"""`peoplealign listen`: comment intelligence. `score` and `evaluate` work on files alone, with no
database, so an analyst can use them standalone."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peoplealign.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    emit_json,
    emit_table,
    prepared_db,
    with_user_errors,
)
from peoplealign.cli.listen_report import app as report_app

if TYPE_CHECKING:
    from peoplealign.listening.scorer import CommentScorer

app = typer.Typer(
    help="Comment intelligence: sentiment and themes of what employees say.", no_args_is_help=True
)
app.add_typer(report_app, name="report")

InputOption = Annotated[
    Path,
    typer.Option("--input", help="CSV, or JSON Lines (.jsonl/.ndjson/.json).", show_default=False),
]
TextColumnOption = Annotated[str, typer.Option("--text-column", help="Column (or key) holding the comment.")]
IdColumnOption = Annotated[
    str | None, typer.Option("--id-column", help="Column holding the comment id (default: row number).")
]
TaxonomyOption = Annotated[
    Path | None, typer.Option("--taxonomy", help="Theme taxonomy YAML (default: the shipped one).")
]


def _scorer(taxonomy: Path | None) -> CommentScorer:
    from peoplealign.listening.scorer import CommentScorer
    from peoplealign.listening.taxonomy import load_taxonomy

    return CommentScorer(taxonomy=load_taxonomy(taxonomy))


@app.command("score")
@with_user_errors
def score(
    input: InputOption,
    text_column: TextColumnOption,
    id_column: IdColumnOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="JSON Lines file to write (default: stdout).")
    ] = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Redact, then score every comment: sentiment, label and themes with their own sentiment."""
    import sys

    from peoplealign.listening.comment_io import read_comments, write_json_lines

    rows = read_comments(input, text_column, id_column)
    records = (c.as_record() for c in _scorer(taxonomy).score(rows.ids, rows.texts))
    if output is None:
        write_json_lines(records, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8") as stream:
            write_json_lines(records, stream)
    except OSError as exc:
        from peoplealign.errors import InvalidInputError

        raise InvalidInputError(f"{output}: cannot write: {exc.strerror or exc}") from exc


@app.command("evaluate")
@with_user_errors
def evaluate(
    input: InputOption,
    text_column: TextColumnOption,
    label_column: Annotated[
        str,
        typer.Option("--label-column", help="Expected sentiment: positive/negative/neutral or 1/0/-1."),
    ],
    taxonomy: TaxonomyOption = None,
) -> None:
    """Backtest the model against labelled comments and print its accuracy (JSON)."""
    from peoplealign.listening.comment_io import read_comments
    from peoplealign.listening.evaluation import evaluate as run_evaluation
    from peoplealign.listening.evaluation import normalise_labels

    rows = read_comments(input, text_column, extra_columns=[label_column])
    expected = normalise_labels(rows.extra[label_column], rows.lines, str(input), label_column)
    scored = _scorer(taxonomy).score(rows.ids, rows.texts)
    model = scored[0].model if scored else ""
    result = run_evaluation(expected, [c.sentiment for c in scored], [c.label for c in scored], model)
    emit_json(result.as_dict())


@app.command("ingest")
@with_user_errors
def ingest(
    batch_size: Annotated[int, typer.Option("--batch-size", help="Comments scored per batch.")] = 1000,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Score the stored comments not yet scored by the current model (all of them after a model
    change), as the audited system job `listen-ingest`."""
    from rich.console import Console
    from rich.progress import Progress

    from peoplealign.listening.ingest import ingest_comments
    from peoplealign.listening.scorer import CommentScorer
    from peoplealign.store.engine import session_scope

    scorer = CommentScorer()
    with (
        session_scope(prepared_db(db)) as session,
        Progress(console=Console(stderr=True), transient=True) as bar,
    ):
        task = bar.add_task("scoring comments", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = ingest_comments(session, scorer, batch_size=batch_size, progress=advance)
    if output is OutputFormat.JSON:
        emit_json(result.as_dict())
        return
    emit_table(
        f"comments scored by {result.model_version}",
        ["scored now", "already current", "theme rows written"],
        [[result.scored, result.unchanged, result.theme_rows]],
    )
