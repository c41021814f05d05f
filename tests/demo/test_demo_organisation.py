"""The demo organisation's shape: units, people, careers, pay and logins, checked from the stored rows."""

from __future__ import annotations

import pandas as pd

from peoplealign.accounts.roles import ALL_ROLES


def test_departments_and_teams_of_varied_sizes(demo):
    units = demo.frame("SELECT id, kind FROM org_unit")
    assert (units.kind == "department").sum() >= 6
    teams = units[units.kind == "team"]
    assert len(teams) >= 40
    people = demo.people()
    current = people[people.exit_date.isna()]
    sizes = current[current.unit_kind == "team"].groupby("org_unit_id").size().reindex(teams.id, fill_value=0)
    assert (sizes < 5).sum() >= 3, "several teams must sit below the k=5 privacy threshold"
    assert sizes.max() >= 3 * sizes.min()
    assert len(current) == 600


def test_reporting_lines_levels_locations_and_tenure(demo):
    people = demo.people()
    current = people[people.exit_date.isna()]
    assert current.manager_id.isna().sum() == 1, "exactly one person, the CEO, has no manager"
    assert set(people.level) == set(range(1, 9))
    assert 4 <= people.location.nunique() <= 5
    tenure_years = (pd.Timestamp(demo.stories["as_of"]) - current.hire_date).dt.days / 365.25
    assert tenure_years.max() > 8 and tenure_years.min() < 0.5
    managers = set(people.manager_id.dropna().astype(int))
    assert len(managers) >= 40


def test_pay_bands_rise_with_level_and_hold_every_salary(demo):
    people = demo.people()
    assert ((people.salary >= people.pay_band_min) & (people.salary <= people.pay_band_max)).all()
    bands = people.groupby("level").pay_band_min.first()
    assert bands.is_monotonic_increasing and bands.is_unique


def test_leavers_have_reasons_and_protected_attributes_are_kept_apart(demo):
    people = demo.people()
    leavers = people[people.exit_date.notna()]
    assert len(leavers) > 60
    assert set(leavers.exit_reason) <= {"voluntary", "involuntary", "other"}
    attributes = demo.frame("SELECT person_id, attribute, value FROM protected_attribute")
    assert set(attributes.attribute) == {"gender", "age_band"}
    assert attributes.groupby("attribute").person_id.nunique().eq(len(people)).all()


def test_exits_do_not_depend_on_protected_attributes(demo):
    people = demo.people()
    gender = demo.frame(
        "SELECT person_id AS id, value AS gender FROM protected_attribute WHERE attribute = 'gender'"
    )
    merged = people.merge(gender, on="id")
    merged["left"] = merged.exit_date.notna()
    rates = merged.groupby("gender")["left"].mean()
    large = merged.gender.value_counts()[lambda s: s >= 50].index
    assert rates[large].min() / rates[large].max() > 0.8


def test_moves_learning_and_proficiency_milestones(demo):
    moves = demo.frame(
        "SELECT kind, from_org_unit_id, to_org_unit_id, from_level, to_level FROM internal_move"
    )
    assert {"promotion", "transfer", "lateral"} <= set(moves.kind)
    promotions = moves[moves.kind == "promotion"]
    assert (promotions.to_level == promotions.from_level + 1).all()
    transfers = moves[moves.kind == "transfer"]
    assert (transfers.from_org_unit_id != transfers.to_org_unit_id).all()
    enrolments = demo.frame("SELECT completed_on, hours_completed FROM enrollment")
    assert enrolments.completed_on.notna().mean() > 0.3 and enrolments.hours_completed.sum() > 0
    assert demo.frame("SELECT COUNT(*) AS n FROM learning_program_skill").n[0] >= 14
    milestones = demo.frame(
        "SELECT m.milestone, m.reached_on, p.hire_date FROM proficiency_milestone m "
        "JOIN person p ON p.id = m.person_id"
    )
    assert {"onboarded", "fully_proficient"} == set(milestones.milestone)
    assert (milestones.reached_on > milestones.hire_date).all()


def test_collaboration_edges_span_teams_and_quarters(demo):
    edges = demo.frame(
        "SELECT e.period_start, a.org_unit_id AS source_unit, b.org_unit_id AS target_unit "
        "FROM collaboration_edge e JOIN person a ON a.id = e.source_person_id "
        "JOIN person b ON b.id = e.target_person_id"
    )
    assert edges.period_start.nunique() == 8
    cross = (edges.source_unit != edges.target_unit).mean()
    assert 0.1 < cross < 0.6


def test_one_login_per_role_and_one_per_manager(demo):
    users = demo.frame(
        "SELECT u.email, u.roles, u.person_id, p.job_title, p.level FROM user_account u "
        "JOIN person p ON p.id = u.person_id"
    )
    by_email = users.set_index("email")
    for role in ALL_ROLES:
        assert role in by_email.loc[f"{role}@demo.peoplealign.example", "roles"]
    assert by_email.loc["executive@demo.peoplealign.example", "job_title"] == "Chief Executive Officer"
    assert "HR Business Partner" in by_email.loc["hr_partner@demo.peoplealign.example", "job_title"]
    assert "People Analyst" in by_email.loc["analyst@demo.peoplealign.example", "job_title"]
    assert "Administrator" in by_email.loc["admin@demo.peoplealign.example", "job_title"]
    current_managers = demo.frame(
        "SELECT DISTINCT m.id FROM person e JOIN person m ON m.id = e.manager_id WHERE m.exit_date IS NULL"
    )
    assert set(current_managers.id) <= set(users.person_id)
    assert users.person_id.is_unique
