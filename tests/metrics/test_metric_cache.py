"""Metric cells are kept per data version, question and audience, yet every read is authorised and
audited: a second read computes nothing and still leaves its audit event, a manager never gets the
cells computed for the organisation (nor the organisation a manager's), other parameters are another
question, any change of the data (an import, a new annotation) recomputes, and the warm-up computes
exactly what the analyst's first view of the dashboard needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from peoplealign.demo.metric_workshop import run_demo_workshop
from peoplealign.ingest.pipeline import import_file
from peoplealign.metrics.annotations import annotate
from peoplealign.metrics.dashboard import dashboard_view
from peoplealign.metrics.library import MeasureValues, compute
from peoplealign.policy import snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.metric_access import MetricData
from peoplealign.store.engine import session_factory, session_scope
from peoplealign.store.models import AuditEvent, OrgUnit, Person, User
from peoplealign.web.warm_up import Warmed, warm_up

AS_OF = dt.date(2026, 11, 16)
ANALYST = Actor("analyst@example.org", frozenset({"analyst"}))
UNITS = (
    "code,name,parent_code,kind\nCO,Acme,,company\nENG,Engineering,CO,department\n"
    "ENG-A,Platform,ENG,team\nENG-B,Payments,ENG,team\n"
)


def _people(left: dict[int, str] | None = None) -> str:
    """E0 leads Engineering from Platform; E1 manages E2-E8 in Platform, E10 E11-E17 in Payments."""
    rows = ["E0,Person 0,p0@example.org,,ENG-A,2020-01-01,"]
    for boss, unit in ((1, "ENG-A"), (10, "ENG-B")):
        rows.append(f"E{boss},Person {boss},p{boss}@example.org,E0,{unit},2020-01-01,")
        rows += [
            f"E{p},Person {p},p{p}@example.org,E{boss},{unit},2020-01-01,{(left or {}).get(p, '')}"
            for p in range(boss + 1, boss + 8)
        ]
    return "hris_id,name,email,manager_id,org_unit,hire_date,exit_date\n" + "\n".join(rows) + "\n"


def _import(url: str, tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}-{abs(hash(text))}.csv"
    path.write_text(text)
    import_file(kind, path, url=url)


@pytest.fixture
def org(db_url: str, tmp_path: Path) -> str:
    _import(db_url, tmp_path, "org-units", UNITS)
    _import(db_url, tmp_path, "people", _people({2: "2026-06-01"}))
    return db_url


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The labels of the reports computed (not taken from the cache) while the test runs."""
    found: list[str] = []
    report = MetricData._report

    def counting(self: MetricData, *args: Any, **kwargs: Any) -> Any:
        found.append(self.actor.email)
        return report(self, *args, **kwargs)

    monkeypatch.setattr(MetricData, "_report", counting)
    yield found


def _manager(url: str) -> Actor:
    with session_scope(url) as s:
        person = s.scalar(select(Person.id).where(Person.hris_id == "E1"))
    return Actor("p1@example.org", frozenset({"manager"}), person_id=person)


def _retention(url: str, actor: Actor, **params: Any) -> MeasureValues:
    with session_scope(url) as s:
        return compute(s, actor, "retention", {"window_days": 365, **params}, as_of=AS_OF)


def _cells(values: MeasureValues) -> list[tuple[str | None, int | None, float | None]]:
    return [(c.unit, c.n, c.value) for c in values.report.cells]


def _reads(url: str, actor: Actor) -> list[dict[str, Any]]:
    with session_scope(url) as s:
        rows = s.scalars(
            select(AuditEvent).where(AuditEvent.actor == actor.email, AuditEvent.resource == "hris")
        ).all()
        return [{"outcome": r.outcome, "purpose": r.purpose, **(r.detail or {})} for r in rows]


def test_a_cached_read_computes_nothing_and_is_still_audited(org: str, computed: list[str]) -> None:
    first = _retention(org, ANALYST)
    second = _retention(org, ANALYST)
    assert computed == [ANALYST.email], "the second read takes the kept cells"
    assert _cells(second) == _cells(first) and second.report.total == first.report.total
    reads = _reads(org, ANALYST)
    assert len(reads) == 2, "one audit event per read, cached or not"
    assert reads[0] == reads[1]
    assert reads[1]["outcome"] == "allowed" and reads[1]["purpose"] == "metric_computation"
    assert reads[1]["scope"] == "organisation" and reads[1]["cells"] == len(second.report.cells)


def test_a_readers_copy_cannot_change_the_kept_cells(org: str) -> None:
    _retention(org, ANALYST).report.cells.clear()
    assert _retention(org, ANALYST).report.cells


def test_a_manager_never_gets_the_organisations_cells_nor_the_reverse(org: str, computed: list[str]) -> None:
    manager = _manager(org)
    organisation = _cells(_retention(org, ANALYST))
    team = _cells(_retention(org, manager))
    assert computed == [ANALYST.email, manager.email], "another audience: computed for it"
    assert ("Platform", 9, 88.89) in organisation and any(unit == "Payments" for unit, _, _ in organisation)
    assert team == [("Platform", 7, 85.71)], "the manager's own team only, without the manager"
    assert _cells(_retention(org, ANALYST)) == organisation
    assert _cells(_retention(org, manager)) == team
    assert len(computed) == 2
    snapshots.clear()
    assert _cells(_retention(org, manager)) == team, "what the manager gets uncached"
    assert [r["scope"] for r in _reads(org, manager)] == ["own_subtree"] * 3


def test_other_parameters_are_another_question(org: str, computed: list[str]) -> None:
    year = _retention(org, ANALYST)
    months = _retention(org, ANALYST, window_days=90)
    assert len(computed) == 2
    assert _cells(year) != _cells(months), "E2 left five months before the as-of date"


def test_an_import_recomputes_and_a_new_annotation_does_not(
    org: str, tmp_path: Path, computed: list[str]
) -> None:
    """Retention's cells read no annotations: context added on the dashboard leaves them cached."""
    assert ("Platform", 9, 88.89) in _cells(_retention(org, ANALYST))
    _import(org, tmp_path, "people", _people({2: "2026-06-01", 3: "2026-07-01"}))
    assert ("Platform", 9, 77.78) in _cells(_retention(org, ANALYST)), "the import is seen at once"
    with session_scope(org) as s:
        unit = s.scalar(select(OrgUnit.id).where(OrgUnit.code == "ENG-A"))
        annotate(
            s, ANALYST, text="Reorganisation", category="staffing", org_unit=unit, metric_key="*", start=AS_OF
        )
    assert ("Platform", 9, 77.78) in _cells(_retention(org, ANALYST))
    assert len(computed) == 2, "the import computed afresh, the annotation did not"


def _analyst(session: Any) -> Actor:
    user = session.scalar(select(User).where(User.email.like("analyst@%")))
    assert user is not None
    return Actor.from_user(user)


def _count(url: str, where: Callable[[], Any]) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent).where(where())) or 0)


def test_the_warm_up_computes_the_analysts_first_view_and_new_context_shows_at_once(
    demo_url: str, computed: list[str]
) -> None:
    with session_scope(demo_url) as s:
        run_demo_workshop(s)
    warm_up(session_factory(demo_url), Warmed())
    assert computed, "the warm-up computed the dashboard"
    computed.clear()
    with session_scope(demo_url) as s:
        analyst = _analyst(s)
        views = dashboard_view(s, analyst)
        assert computed == [], "the analyst's first view is all in the cache"
        assert {v.panel.definition.key for v in views} == {
            "retention",
            "burnout_risk_index",
            "team_collaboration",
        }
        assert all(v.panel.values is not None and v.total is not None for v in views)
        assert not any(v.context.notes for v in views)
        burnout = next(v for v in views if v.panel.definition.key == "burnout_risk_index")
        assert burnout.panel.values is not None
        unit = next(
            c for c in burnout.panel.values.report.cells if not c.suppressed and c.unit_id is not None
        )
    reads = _count(
        demo_url, lambda: (AuditEvent.actor == analyst.email) & (AuditEvent.action == "read_aggregate")
    )
    assert reads >= len(views), "every panel's read audited for the analyst, cache or not"

    with session_scope(demo_url) as s:
        annotate(
            s,
            analyst,
            text="Release crunch agreed with the team",
            category="workload",
            org_unit=unit.unit_id,
            metric_key="after_hours",
            start=dt.date.today() - dt.timedelta(days=20),
            end=dt.date.today() - dt.timedelta(days=10),
        )
    with session_scope(demo_url) as s:
        views = {v.panel.definition.key: v for v in dashboard_view(s, analyst)}
    notes = views["burnout_risk_index"].context.notes
    assert [n.text for n in notes[unit.unit_id]] == ["Release crunch agreed with the team"]
    assert views["burnout_risk_index"].context.weekly is not None, "the weekly series beside it"
    assert not views["retention"].context.notes, "context about one signal stays beside work-pattern metrics"
