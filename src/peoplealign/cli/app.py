"""The `peoplealign` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from peoplealign.cli import anomalies, audit, db, demo, imports, insights, users
from peoplealign.cli.charter import app as charter_app
from peoplealign.cli.decisions import app as decisions_app
from peoplealign.cli.listen import app as listen_app
from peoplealign.cli.metrics import app as metrics_app
from peoplealign.cli.mydata import app as mydata_app
from peoplealign.cli.report import app as report_app
from peoplealign.cli.risk import app as risk_app
from peoplealign.cli.serve import serve
from peoplealign.cli.townhall import app as townhall_app
from peoplealign.cli.up import up

app = typer.Typer(
    name="peoplealign",
    help="People analytics your employees can trust: charter-enforced, audited, explainable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.command("serve")(serve)
app.add_typer(audit.app, name="audit")
app.add_typer(charter_app, name="charter")
app.add_typer(report_app, name="report")
app.add_typer(listen_app, name="listen")
app.add_typer(metrics_app, name="metrics")
app.add_typer(anomalies.app, name="anomalies")
app.add_typer(anomalies.coaching_app, name="coaching")
app.add_typer(decisions_app, name="decisions")
app.add_typer(mydata_app, name="mydata")
app.add_typer(townhall_app, name="townhall")
app.add_typer(risk_app, name="risk")
app.add_typer(insights.skills_app, name="skills")
app.add_typer(insights.wellbeing_app, name="wellbeing")
app.add_typer(insights.roi_app, name="roi")
app.command("import")(imports.import_command)
app.command("demo")(demo.demo)
app.command("up")(up)


def main() -> None:
    app()
