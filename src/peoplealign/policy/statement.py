"""The Data Ethics Statement, rendered for employees from the very document the policy engine enforces,
so what people are told and what the software does cannot disagree."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from peoplealign.errors import InvalidInputError
from peoplealign.policy.charter_document import CharterDocument, DataSource

StatementFormat = Literal["md", "html"]

PURPOSE_TEXT = {
    "org_reporting": "to report on the organisation as a whole (headcount, turnover, structure)",
    "survey_reporting": "to report survey results for groups large enough to keep everyone anonymous",
    "metric_computation": "to compute the team-level measures that employees and managers agreed on",
    "retention_conversation": "to offer you a voluntary conversation about what would make work better",
    "development": "to offer you learning, development and internal opportunities",
    "workforce_planning": "to plan which skills and roles the organisation will need",
    "fairness_audit": "to check that our models and decisions treat every group fairly",
    "my_data": "to show you everything we hold about you",
    "administration": "to run employment administration such as pay and the org chart",
    "listening": "to understand, in aggregate, what people say about working here",
    "wellbeing": "to spot unsustainable workload in teams and rebalance it",
    "risk_modelling": "to estimate, for groups and for retention conversations, where people may leave",
}

ROLE_TEXT = {
    "employee": "every employee",
    "manager": "managers",
    "hr_partner": "HR business partners",
    "analyst": "people analysts",
    "executive": "executives",
    "admin": "system administrators",
}

SCOPE_TEXT = {
    "self": "only their own data, organisation-wide results and each department's headcount",
    "own_subtree": "results for the teams they lead (never another manager's team)",
    "organisation": "results for the whole organisation",
}

INDIVIDUAL_DATA_TEXT = {
    "self": "their own record",
    "team_profile": "the work profile (role, team, skills) of the people they lead",
    "profile": "employee records",
    "skills": "skills and learning records",
    "flight_risk": "individual estimates of the chance of leaving, to offer a stay conversation",
}

DECISION_TEXT = {
    "hire": "hiring",
    "promotion": "promotion",
    "pay_change": "pay change",
    "termination": "termination",
    "performance_rating": "performance rating",
}

AFTER_RETENTION_TEXT = {
    "delete": "then deleted",
    "anonymise": "then anonymised (your name, contact details and pay removed)",
}


def _words(table: dict[str, str], key: str) -> str:
    return table.get(key, key.replace("_", " "))


def _roles(roles: tuple[str, ...]) -> str:
    return ", ".join(_words(ROLE_TEXT, r) for r in roles) if roles else "nobody"


def _period(days: int) -> str:
    years = days / 365
    if years >= 1:
        return f"{days} days (about {round(years, 1):g} year{'s' if round(years, 1) != 1 else ''})"
    return f"{days} days (about {max(1, round(days / 30))} months)"


def _source(source: DataSource) -> dict[str, Any]:
    return {
        "key": source.key,
        "name": source.name,
        "description": source.description,
        "fields": [f.replace("_", " ") for f in source.fields],
        "purposes": [{"key": p, "text": _words(PURPOSE_TEXT, p)} for p in source.purposes],
        "retention": _period(source.retention_days),
        "retention_days": source.retention_days,
        "after_retention": _words(AFTER_RETENTION_TEXT, source.after_retention),
        "raw_access": _roles(source.raw_access),
        "aggregate_access": _roles(source.aggregate_access),
        "benefit": source.employee_benefit,
    }


def statement_context(charter: CharterDocument) -> dict[str, Any]:
    """Everything the templates show, in plain words; kept apart so both formats say the same."""
    return {
        "organisation": charter.organisation,
        "version": charter.version,
        "is_default": charter.is_default,
        "approved_by": charter.approved_by,
        "approved_on": charter.approved_at.date().isoformat() if charter.approved_at else None,
        "effective_from": charter.effective_from.isoformat() if charter.effective_from else None,
        "objectives": charter.objectives,
        "sources": [_source(s) for s in charter.sources],
        "audiences": [
            {
                "role": a.role,
                "name": _words(ROLE_TEXT, a.role),
                "scope": _words(SCOPE_TEXT, a.scope),
                "individual_data": [_words(INDIVIDUAL_DATA_TEXT, d) for d in a.individual_data],
            }
            for a in charter.audiences
        ],
        "k_aggregate": charter.k_aggregate,
        "k_comments": charter.k_comments,
        "prohibited_uses": charter.prohibited_uses,
        "decisions": [
            {
                "name": _words(DECISION_TEXT, r.type),
                "second_reviewer": r.second_reviewer,
                "forbidden_inputs": [i.replace("_", " ") for i in r.forbidden_inputs],
            }
            for r in charter.decision_rules
        ],
        "contacts": charter.contacts,
    }


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("peoplealign.policy", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_statement(charter: CharterDocument, fmt: StatementFormat = "md", *, fragment: bool = False) -> str:
    """A standalone Markdown or HTML document; `fragment=True` gives the HTML `<article>` alone, for
    embedding in the web app's layout."""
    if fmt not in ("md", "html"):
        raise InvalidInputError(f"statement format {fmt!r} is not one of md, html")
    name = "statement_body.html.j2" if fragment and fmt == "html" else f"statement.{fmt}.j2"
    return _environment().get_template(name).render(statement_context(charter))
