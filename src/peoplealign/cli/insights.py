"""`peoplealign skills gaps`, `peoplealign wellbeing report` and `peoplealign roi report|cost-model`:
the insights that become recommendations for humans, read through the policy layer as a named user."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from peoplealign.cli.common import (
    AsOfOption,
    AsOption,
    DbOption,
    FormatOption,
    OutputFormat,
    acting_session,
    day_of,
    emit_json,
    emit_table,
    with_user_errors,
)

skills_app = typer.Typer(help="Skill supply against demand, per org unit.", no_args_is_help=True)
wellbeing_app = typer.Typer(help="Team efficiency against stress markers.", no_args_is_help=True)
roi_app = typer.Typer(
    help="People ROI: cost of attrition and cost avoided by initiatives.", no_args_is_help=True
)

RecommendOption = Annotated[
    bool,
    typer.Option("--recommend", help="Put the findings in the recommendation queue (once per finding)."),
]


def _day(as_of: dt.datetime | None) -> dt.date:
    return day_of(as_of) or dt.date.today()


def _figure(value: float | None, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


@skills_app.command("gaps")
@with_user_errors
def gaps(
    as_user: AsOption,
    as_of: AsOfOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many gaps to show and to recommend on.")] = 10,
    recommend: RecommendOption = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Skill gaps ranked by size (people short) times strategic weight, with the demand trend and the
    learning programs that cover each skill; with --recommend the top five become development
    recommendations for HR business partners."""
    from peoplealign.insights import skills
    from peoplealign.policy.workforce_access import WorkforceData

    with acting_session(db, as_user) as (session, actor):
        purpose = skills.DEVELOPMENT_PURPOSE if recommend else skills.PLANNING_PURPOSE
        reader = WorkforceData(session, actor, purpose)
        report = skills.skill_gaps(reader, _day(as_of))
        created = skills.recommend_development(reader, report) if recommend else []
    if output is OutputFormat.JSON:
        emit_json({**report.as_dict(), "recommendations": created})
        return
    hidden = sum(g.suppressed for g in report.gaps)
    emit_table(
        f"skill gaps · {report.as_of} (k = {report.k}; {hidden} cells hidden; {report.model_version})",
        ["skill", "unit", "from", "demand", "supply", "gap", "weight", "score", "trend/quarter", "programs"],
        [
            [
                g.skill_name,
                g.unit,
                g.source,
                g.demand,
                g.supply,
                g.gap,
                g.weight,
                g.score,
                _figure(g.trend_per_quarter, "{:+.1f}"),
                ", ".join(p.code for p in g.programs) or "none",
            ]
            for g in report.ranked[:top]
        ],
    )
    if recommend:
        typer.echo(f"recommendations in the queue: {', '.join(map(str, created)) or 'none'}")


@wellbeing_app.command("report")
@with_user_errors
def wellbeing_report(
    as_user: AsOption,
    as_of: AsOfOption = None,
    recommend: RecommendOption = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Per team: change in output per contracted hour against stress markers (after-hours share,
    meeting share, time-off deficit, burnout-comment sentiment); teams whose efficiency rose while
    their stress rose are flagged, and with --recommend get a team-level rebalance recommendation."""
    from peoplealign.insights import wellbeing
    from peoplealign.policy.workforce_access import WorkforceData

    with acting_session(db, as_user) as (session, actor):
        reader = WorkforceData(session, actor, wellbeing.WELLBEING_PURPOSE)
        report = wellbeing.wellbeing_balance(reader, _day(as_of))
        created = wellbeing.recommend_rebalancing(reader, report) if recommend else []
    if output is OutputFormat.JSON:
        emit_json({**report.as_dict(), "recommendations": created})
        return
    emit_table(
        f"well-being balance · latest {wellbeing.WINDOW_WEEKS} weeks against {report.windows.baseline_kind} "
        f"(k = {report.k}; {report.model_version})",
        ["team", "people", "efficiency", "per hour worked", "stress index", "quadrant", "flag / note"],
        [
            [
                t.team,
                t.n,
                _figure(t.efficiency_change, "{:+.1%}"),
                _figure(t.output_per_hour_worked_change, "{:+.1%}"),
                _figure(t.stress_index, "{:+.2f}"),
                t.quadrant or "",
                "rebalance" if t.flagged else (t.reason or ""),
            ]
            for t in report.teams
        ],
    )
    for note in report.notes:
        typer.echo(f"note: {note}")
    if recommend:
        typer.echo(f"recommendations in the queue: {', '.join(map(str, created)) or 'none'}")


@roi_app.command("report")
@with_user_errors
def roi_report(
    as_user: AsOption,
    as_of: AsOfOption = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the bootstrap (same seed, same interval).")
    ] = 0,
    samples: Annotated[int, typer.Option("--samples", min=100, help="Bootstrap resamples.")] = 2000,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Cost of attrition over the last twelve months (replacement cost by salary band and level, with
    its source) per department and org unit, and the cost avoided by initiatives people acted on,
    with a bootstrap interval. Only roles the charter opens the ROI view to may run it."""
    from peoplealign.insights import roi

    with acting_session(db, as_user) as (session, actor):
        report = roi.roi_report(session, actor, _day(as_of), seed=seed, samples=samples)
    if output is OutputFormat.JSON:
        emit_json(report.as_dict())
        return
    currency = report.cost_model.currency
    rows = [
        [
            "organisation",
            report.total.departures,
            _figure(report.total.cost, "{:,.0f}"),
            report.total.reason or "",
        ]
    ]
    for level, cells in (("department", report.by_department), ("org_unit", report.by_org_unit)):
        rows += [
            [str(c.group.get(level)), c.departures, _figure(c.cost, "{:,.0f}"), c.reason or ""]
            for c in cells
            if not c.suppressed or level == "department"
        ]
    emit_table(
        f"cost of attrition {report.period[0]} – {report.period[1]} ({currency}; k = {report.k} leavers)",
        ["group", "departures", "replacement cost", "note"],
        rows,
    )
    hidden = sum(c.suppressed for c in report.by_org_unit)
    typer.echo(f"{hidden} org units with fewer than {report.k} leavers (or complementary) are not shown.")
    typer.echo(f"cost model: {report.cost_model.source}")
    avoided = report.avoided
    if avoided.cost_avoided is not None and avoided.interval is not None:
        low, high = avoided.interval
        typer.echo(
            f"cost avoided by initiatives: {avoided.cost_avoided:,.0f} {currency} "
            f"({avoided.confidence:.0%} interval {low:,.0f} to {high:,.0f}; "
            f"{avoided.departures_avoided:+.1f} departures; {len(avoided.treated_teams)} treated teams)"
        )
    for note in avoided.notes:
        typer.echo(f"note: {note}")


@roi_app.command("cost-model")
@with_user_errors
def cost_model(
    as_user: AsOption,
    set_file: Annotated[
        Path | None,
        typer.Option(
            "--set", exists=True, dir_okay=False, help="JSON file with the organisation's own figures."
        ),
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Show the turnover cost model (replacement cost as a share of salary) and its source, or set the
    organisation's own figures (analysts and administrators)."""
    from peoplealign.errors import InvalidInputError
    from peoplealign.insights.turnover_cost import load_cost_model, save_cost_model

    with acting_session(db, as_user) as (session, actor):
        if set_file is None:
            model = load_cost_model(session)
        else:
            try:
                data = json.loads(set_file.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{set_file}: line {exc.lineno}: {exc.msg}") from None
            model = save_cost_model(session, actor, data)
    if output is OutputFormat.JSON:
        emit_json(model.as_dict())
        return
    emit_table(
        f"turnover cost model ({'configured' if model.configured else 'default'}, {model.currency})",
        ["salary below", "share of salary"],
        [[_figure(b.up_to, "{:,.0f}") if b.up_to else "any", f"{b.share:.0%}"] for b in model.bands]
        + [[f"level {model.executive_min_level}+ (executive)", f"{model.executive_share:.0%}"]],
    )
    typer.echo(f"source: {model.source}")
