"""`peoplealign import KIND FILE`: validated, streamed, all-or-nothing imports of HR data."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Annotated

import typer

from peoplealign.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    emit_json,
    prepared_db,
    with_user_errors,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PROGRESS_MIN_BYTES = 4 << 20


class _Bar:
    """A rich progress bar on stderr by bytes read, shown only for files big enough to need one."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total_bytes: int) -> None:
        if total_bytes < PROGRESS_MIN_BYTES:
            return
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        progress.start()
        self._task = progress.add_task("importing", total=total_bytes)
        self._progress = progress

    def advance(self, done_bytes: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, done_bytes)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


@with_user_errors
def import_command(
    kind: Annotated[
        str, typer.Argument(metavar="KIND", help="What the file holds: one of the kinds listed above.")
    ],
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV (header row) or JSON Lines (.jsonl) file.")
    ],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping from the file's columns and codes to ours.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Import a CSV or JSON Lines FILE of KIND into the database.

    The whole file is validated first: nothing is written unless every row
    is valid, and then all rows are written in one transaction. Re-imports
    are idempotent: rows are matched by natural key and counted as
    inserted, updated or unchanged. A YAML mapping file translates another
    system's column names, codes and date formats (see examples/mappings).

    \b
    Columns per KIND (* = required):
    org-units: code*, name*, parent_code, kind, cost_center
    people: hris_id*, name*, email, manager_id, org_unit, job_title,
      job_family, level, location, employment_type, hire_date, exit_date,
      exit_reason, exit_regretted, salary, pay_band_min, pay_band_max,
      last_promotion_date; protected, stored apart for fairness audits
      only: gender, age_band, ethnicity, disability
    survey: survey_code*, question_code*, respondent_id*, value*,
      survey_name, survey_kind, cycle, opened_on, question_text, driver,
      question_kind, scale_min, scale_max, answered_on, org_unit
    comments: comment_id*, text*, created_on*, source*, org_unit,
      survey_code, question_code, hris_id
    activity: hris_id*, week_start*, hours*, after_hours, meeting_hours,
      pto_hours, output
    collaboration: source_hris_id*, target_hris_id*, period_start*, weight*
    skills: hris_id*, skill_code*, proficiency*, skill_name, category,
      assessed_on, source
    role-requirements: job_title*, skill_code*, required_proficiency*
    skill-demand: skill_code*, period_start*, demand_fte*, org_unit,
      strategic_weight
    internal-moves: hris_id*, move_date*, kind*, from_org_unit,
      to_org_unit, from_title, to_title, from_level, to_level
    learning: hris_id*, program_code*, enrolled_on*, program_name,
      program_hours, program_skills, completed_on, hours_completed

    Dates are YYYY-MM-DD unless the mapping says otherwise. Exit code 0 on
    success, 2 when the file has problems (each listed with file, row and
    column; nothing is written).
    """
    from peoplealign.ingest.pipeline import import_file

    url = prepared_db(db)
    with _Bar() as bar:
        summary = import_file(kind, file, url=url, mapping_path=mapping, dry_run=dry_run, progress=bar)
    if output is OutputFormat.JSON:
        emit_json(summary.as_dict())
        return
    verb = "validated (dry run, nothing written)" if dry_run else "imported"
    typer.echo(
        f"{verb} {summary.rows} {kind} rows from {file.name} in {summary.seconds:.2f}s: "
        f"{summary.inserted} inserted, {summary.updated} updated, {summary.unchanged} unchanged"
    )
