"""Anomaly flags and annotations on a small synthetic organisation, on every backend: a team-wide
spike is flagged and sent to the team's manager, a spike in a team below k is not, re-running adds
nothing, context marks the flag explained, and only the right people may add it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from peoplealign.metrics.annotations import annotate, annotations_for, excluded_windows
from peoplealign.metrics.anomalies import (
    AnomalyView,
    DetectionSettings,
    detect_anomalies,
    detect_team,
    episodes,
    list_anomalies,
)
from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import PolicyDenied
from peoplealign.store.engine import session_scope
from peoplealign.store.models import ActivityWeek, Annotation, Anomaly, AuditEvent, OrgUnit, Person, User

FIRST_WEEK = dt.date(2026, 1, 5)
WEEKS = 30
SPIKE_WEEK = 27
SMALL_SPIKE_WEEK = 24
TEAMS = {"A": 10, "B": 9, "C": 8, "S": 3}  # S is below k = 5


@dataclass
class Org:
    url: str
    units: dict[str, int]
    users: dict[str, int]

    def actor(self, session: Session, who: str) -> Actor:
        user = session.get(User, self.users[who])
        assert user is not None
        return Actor.from_user(user)


def _build(url: str) -> Org:
    rng = np.random.default_rng(3)
    with session_scope(url) as s:
        company = OrgUnit(code="CO", name="Company", kind="company")
        s.add(company)
        s.flush()
        units: dict[str, int] = {}
        leads: dict[str, int] = {}
        members: dict[str, list[int]] = {}
        for code, size in TEAMS.items():
            unit = OrgUnit(code=code, name=f"Team {code}", kind="team", parent_id=company.id)
            s.add(unit)
            s.flush()
            units[code] = unit.id
            lead = Person(hris_id=f"{code}0", name=f"Lead {code}", org_unit_id=unit.id)
            s.add(lead)
            s.flush()
            leads[code] = lead.id
            people = [lead]
            for i in range(1, size):
                people.append(
                    Person(
                        hris_id=f"{code}{i}",
                        name=f"Member {code}{i}",
                        org_unit_id=unit.id,
                        manager_id=lead.id,
                    )
                )
            s.add_all(people[1:])
            s.flush()
            members[code] = [p.id for p in people]
        users = {
            "manager_a": User(
                email="a@x.org", password_hash="-", roles=["employee", "manager"], person_id=leads["A"]
            ),
            "manager_b": User(
                email="b@x.org", password_hash="-", roles=["employee", "manager"], person_id=leads["B"]
            ),
            "employee": User(
                email="e@x.org", password_hash="-", roles=["employee"], person_id=members["A"][1]
            ),
            "analyst": User(email="an@x.org", password_hash="-", roles=["analyst"]),
        }
        s.add_all(users.values())
        s.flush()
        rows = []
        for code, ids in members.items():
            for person in ids:
                for w in range(WEEKS):
                    spike = 3.0 if (code, w) in (("A", SPIKE_WEEK), ("S", SMALL_SPIKE_WEEK)) else 1.0
                    rows.append(
                        ActivityWeek(
                            person_id=person,
                            week_start=FIRST_WEEK + dt.timedelta(weeks=w),
                            hours=float(rng.normal(40, 2)),
                            after_hours=float(rng.gamma(2.0, 1.0)),
                            meeting_hours=float(rng.normal(7, 1)) * spike,
                            pto_hours=0.0,
                            output=float(rng.normal(20, 2)),
                        )
                    )
        s.add_all(rows)
        return Org(url, units, {k: u.id for k, u in users.items()})


@pytest.fixture
def org(db_url: str) -> Iterator[Org]:
    yield _build(db_url)


def test_team_spike_is_flagged_once_and_sent_to_its_manager(org: Org) -> None:
    spike = FIRST_WEEK + dt.timedelta(weeks=SPIKE_WEEK)
    with session_scope(org.url) as s:
        run = detect_anomalies(s, Actor.system("test"))
    with session_scope(org.url) as s:
        flags = list(s.scalars(select(Anomaly)))
        assert [(f.org_unit_id, f.metric_key, f.week_start) for f in flags] == [
            (org.units["A"], "meeting_hours", spike)
        ], "only the team-wide meeting spike of team A"
        assert flags[0].status == "open" and flags[0].method == run.model_version
        requests = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "request_context")))
        assert len(requests) == 1 and requests[0].subject == "A"
        assert requests[0].detail["addressee_users"] == [org.users["manager_a"]]
        again = detect_anomalies(s, Actor.system("test"))
    assert run.created == [flags[0].id] and again.created == [] and again.already_flagged == run.created
    # S has 3 people; C is hidden too, or the organisation minus A and B would reveal S.
    assert run.teams_judged == 2 and run.teams_too_small == 2


def test_only_the_accountable_manager_or_an_analyst_explains_and_models_can_leave_the_window_out(
    org: Org,
) -> None:
    with session_scope(org.url) as s:
        detect_anomalies(s, Actor.system("test"))
        (flag,) = list_anomalies(s, Actor.system("test"), status="open")
    for who in ("employee", "manager_b"):
        with session_scope(org.url) as s, pytest.raises(PolicyDenied):
            annotate(s, org.actor(s, who), text="x", category="other", anomaly_id=flag.id)
    with session_scope(org.url) as s:
        denials = s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
        assert {d.actor for d in denials} == {"e@x.org", "b@x.org"}, "refusals are audited"
        assert list_anomalies(s, org.actor(s, "manager_b")) == [], "another manager's team is not theirs"
        with pytest.raises(PolicyDenied):
            list_anomalies(s, org.actor(s, "employee"))
        manager = org.actor(s, "manager_a")
        assert [f.id for f in list_anomalies(s, manager, status="open")] == [flag.id]
        done = annotate(
            s, manager, text="Offsite planning week", category="planned_event", anomaly_id=flag.id
        )
        assert done.explained == [flag.id]
    with session_scope(org.url) as s:
        manager = org.actor(s, "manager_a")
        assert [f.status for f in list_anomalies(s, manager)] == ["explained"]
        (note,) = annotations_for(s, manager, org.units["A"], "meeting_hours")
        assert note.text == "Offsite planning week" and note.start_date == flag.week_start
        assert annotations_for(s, org.actor(s, "manager_b"), org.units["A"]) == []
        assert excluded_windows(s, org.units["A"]) == [
            (org.units["A"], "meeting_hours", flag.week_start, flag.week_start + dt.timedelta(days=6))
        ]
        assert (
            s.scalars(
                select(AuditEvent).where(AuditEvent.action == "annotate", AuditEvent.outcome == "changed")
            )
            .one()
            .subject
            == "A"
        )
        analyst = org.actor(s, "analyst")
        later = annotate(
            s,
            analyst,
            text="Data gap",
            category="data_issue",
            org_unit="B",
            metric_key="*",
            start=FIRST_WEEK,
            end=FIRST_WEEK,
        )
        assert later.explained == [] and later.annotation.unit_code == "B"


def test_detection_does_not_ask_again_about_an_explained_window(org: Org) -> None:
    """Context given first (a planned offsite): the flag in its window is stored as explained and
    nobody is asked; once the window is left out of models, the week is not even judged."""
    spike = FIRST_WEEK + dt.timedelta(weeks=SPIKE_WEEK)
    with session_scope(org.url) as s:
        annotate(
            s,
            org.actor(s, "analyst"),
            text="Planned offsite",
            category="planned_event",
            org_unit="A",
            metric_key="*",
            start=spike,
            end=spike + dt.timedelta(days=6),
            exclude_from_models=False,
        )
        detect_anomalies(s, Actor.system("test"))
    with session_scope(org.url) as s:
        flags = list(s.scalars(select(Anomaly)))
        assert [(f.org_unit_id, f.week_start, f.status) for f in flags] == [
            (org.units["A"], spike, "explained")
        ]
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action == "request_context")).all()
        s.execute(update(Annotation).values(exclude_from_models=True))
        s.execute(delete(Anomaly))
    with session_scope(org.url) as s:
        run = detect_anomalies(s, Actor.system("test"))
        assert run.created == [] and run.teams_judged == 2, "the team is judged on its other weeks"


def test_detection_needs_an_organisation_wide_view(org: Org) -> None:
    with session_scope(org.url) as s, pytest.raises(PolicyDenied):
        detect_anomalies(s, org.actor(s, "manager_a"))


def _series(values: list[float], medians: list[float] | None = None, n: int = 10) -> pd.DataFrame:
    weeks = [FIRST_WEEK + dt.timedelta(weeks=i) for i in range(len(values))]
    return pd.DataFrame({"mean": values, "median": medians or values, "sd": 2.0, "n": n}, index=weeks)


def _reference(length: int) -> pd.DataFrame:
    weeks = [FIRST_WEEK + dt.timedelta(weeks=i) for i in range(length)]
    return pd.DataFrame({"mean": 10.0, "median": 10.0, "sd": 2.0, "n": 500}, index=weeks)


def test_one_persons_week_and_a_steady_trend_are_not_events() -> None:
    rng = np.random.default_rng(1)
    calm = list(10 + rng.normal(0, 0.3, 40))
    settings = DetectionSettings()
    since = FIRST_WEEK
    spike = calm.copy()
    spike[30] = 16.0
    assert [f.week_start for f in detect_team("x", 1, _series(spike), _reference(40), settings, since)] == [
        FIRST_WEEK + dt.timedelta(weeks=30)
    ]
    # The mean jumps but the median does not: one person's unusual week, not the team's.
    assert detect_team("x", 1, _series(spike, medians=calm), _reference(40), settings, since) == []
    trend = [10 + 0.15 * i + d for i, d in enumerate(rng.normal(0, 0.3, 40))]
    assert detect_team("x", 1, _series(trend), _reference(40), settings, since) == []
    assert detect_team("x", 1, _series(spike[:20]), _reference(20), settings, since) == [], "too short"


def test_a_teams_flags_in_consecutive_weeks_are_one_request() -> None:
    def flag(i: int, unit: int, week: int, signal: str = "meeting_hours") -> AnomalyView:
        start = FIRST_WEEK + dt.timedelta(weeks=week)
        return AnomalyView(i, signal, signal, unit, "U", "Unit", start, 1.0, 7.0, "open", "v")

    found = episodes(
        [flag(1, 1, 10), flag(2, 1, 11, "output"), flag(3, 1, 10, "output"), flag(4, 1, 14), flag(5, 2, 11)]
    )
    assert [[f.id for f in e.flags] for e in found] == [[4], [5], [1, 3, 2]], "newest first"
    assert found[2].start == FIRST_WEEK + dt.timedelta(weeks=10) and found[2].first.id == 1
    assert found[2].end == FIRST_WEEK + dt.timedelta(weeks=11, days=6)
