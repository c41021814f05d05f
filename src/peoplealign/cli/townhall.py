"""`peoplealign townhall`: the organisation's dashboards every employee sees, and leaders' answers."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peoplealign.cli.common import (
    AsOption,
    DbOption,
    FormatOption,
    OutputFormat,
    acting_session,
    emit_json,
    emit_outcome,
    emit_table,
    with_user_errors,
)

app = typer.Typer(
    help="The town hall: the executives' organisation-wide numbers, published to everyone.",
    no_args_is_help=True,
)


def _value(point: dict[str, Any]) -> str:
    if point["suppressed"]:
        return f"hidden ({point['reason']})"
    return "-" if point["value"] is None else f"{point['value']:g}"


@app.command("show")
@with_user_errors
def show_command(as_user: AsOption, db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """Every town-hall chart with the numbers and suppression of the web page and the API (the same
    for every role), and per chart its stories and questions once enough different people wrote."""
    from peoplealign.decisions.town_hall import town_hall_with_posts
    from peoplealign.policy.charter import active_charter

    with acting_session(db, as_user) as (session, actor):
        payload = town_hall_with_posts(session, active_charter(session), actor)
    if output is OutputFormat.JSON:
        emit_json(payload)
        return
    for chart in payload["charts"]:
        if chart["unavailable"]:
            typer.echo(f"{chart['title']}: {chart['unavailable']}")
            continue
        emit_table(
            f"{chart['title']} ({chart['unit']})",
            ["", "value", "people"],
            [[p["label"], _value(p), p["n"]] for p in chart["points"]],
        )
        thread = payload["posts"][chart["key"]]
        if thread["published"]:
            for post in thread["published"]:
                typer.echo(f"  [{post['id']}] {post['kind']}: {post['text']}")
                if post["answer"]:
                    typer.echo(f"      answer: {post['answer']}")
        elif thread["count"]:
            typer.echo(
                f"  {thread['count']} post(s) from {thread['writers']} people waiting: they appear once "
                f"{thread['k']} different people have written here"
            )


@app.command("answer")
@with_user_errors
def answer_command(
    post_id: Annotated[int, typer.Argument(help="The published post's id (see `townhall show`).")],
    as_user: AsOption,
    text: Annotated[str, typer.Option("--text", help="Your public answer.")],
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Answer a published story or question in public, as a leader (the executive role)."""
    from peoplealign.decisions.town_hall import answer_post
    from peoplealign.policy.charter import active_charter

    with acting_session(db, as_user) as (session, actor):
        post = answer_post(session, active_charter(session), actor, post_id, text).as_dict()
    emit_outcome(output, post, f"answered town-hall post {post['id']}")
