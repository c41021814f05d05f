"""The burnout department: load rises, comments and items sour, and regretted exits follow."""

from __future__ import annotations

import json

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def weekly(demo):
    """Per-week means for the burnout department and for everyone else."""
    department = demo.unit_id(demo.stories["burnout_department"])
    people = demo.people()[["id", "department_id"]]
    activity = demo.frame(
        "SELECT person_id, week_start, hours, after_hours, meeting_hours, pto_hours, output "
        "FROM activity_week"
    )
    activity = activity.merge(people, left_on="person_id", right_on="id")
    activity["story"] = activity.department_id == department
    activity["week_start"] = pd.to_datetime(activity.week_start)
    return activity.groupby(["story", "week_start"])[
        ["hours", "after_hours", "meeting_hours", "pto_hours", "output"]
    ].mean()


def _window(frame, story, start, end):
    weeks = frame.loc[story]
    return weeks[(weeks.index >= pd.Timestamp(start)) & (weeks.index < pd.Timestamp(end))].mean()


def test_workload_rises_and_time_off_falls_over_the_last_nine_months(weekly, demo):
    rise = pd.Timestamp(demo.stories["workload_rise_from"])
    before = _window(weekly, True, rise - pd.Timedelta(weeks=26), rise)
    last = _window(
        weekly, True, pd.Timestamp(demo.stories["as_of"]) - pd.Timedelta(weeks=8), demo.stories["as_of"]
    )
    others_last = _window(
        weekly, False, pd.Timestamp(demo.stories["as_of"]) - pd.Timedelta(weeks=8), demo.stories["as_of"]
    )
    assert last.after_hours > 2.5 * before.after_hours
    assert last.hours > before.hours + 4
    assert last.meeting_hours > before.meeting_hours + 1.5
    assert last.after_hours > 2.5 * others_last.after_hours
    as_of = pd.Timestamp(demo.stories["as_of"])
    year_ago = _window(weekly, True, as_of - pd.Timedelta(weeks=52 + 10), as_of - pd.Timedelta(weeks=52))
    recent = _window(weekly, True, as_of - pd.Timedelta(weeks=10), as_of)
    assert recent.pto_hours < 0.5 * year_ago.pto_hours


def test_output_per_person_rises_with_the_load(weekly, demo):
    rise = pd.Timestamp(demo.stories["workload_rise_from"])
    before = _window(weekly, True, rise - pd.Timedelta(weeks=26), rise).output
    during = _window(weekly, True, rise + pd.Timedelta(weeks=13), rise + pd.Timedelta(weeks=30)).output
    assert during > 1.1 * before


def test_regretted_voluntary_exits_rise_a_quarter_after_the_load(demo):
    people = demo.people()
    department = demo.unit_id(demo.stories["burnout_department"])
    attrition_from = pd.Timestamp(demo.stories["attrition_rise_from"])
    rise = pd.Timestamp(demo.stories["workload_rise_from"])
    assert 10 <= (attrition_from - rise).days / 7 <= 16
    voluntary = people[(people.exit_reason == "voluntary") & (people.exit_regretted == 1)]
    story = voluntary[voluntary.department_id == department]
    before = story[story.exit_date < rise]
    after = story[story.exit_date >= attrition_from]
    weeks_before = (rise - people.exit_date.min()).days / 7
    weeks_after = (pd.Timestamp(demo.stories["as_of"]) - attrition_from).days / 7
    assert len(after) / weeks_after > 4 * max(len(before), 1) / weeks_before
    late = people[people.exit_date >= attrition_from]
    rate = late.groupby("department_id").size() / people.groupby("department_id").size()
    assert rate.idxmax() == department


def test_burnout_comments_turn_negative_after_the_first_cycle(demo):
    department = demo.unit_id(demo.stories["burnout_department"])
    comments = demo.frame(
        "SELECT c.survey_id, u.parent_id, t.themes, t.sentiment FROM comment c "
        "JOIN comment_truth t ON t.comment_id = c.id JOIN org_unit u ON u.id = c.org_unit_id "
        "WHERE c.source = 'survey'"
    )
    comments["burnout"] = comments.themes.map(
        lambda t: bool({"Burnout Risk & Workload", "Work-Life Balance"} & set(json.loads(t)))
    )
    story = comments[(comments.parent_id == department) & comments.burnout]
    by_cycle = story.groupby("survey_id").sentiment.mean()
    assert by_cycle[1] >= 0.0
    assert by_cycle[2] < -0.2 and by_cycle[3] < -0.2


def test_burnout_items_fall_across_cycles(demo):
    department = demo.unit_id(demo.stories["burnout_department"])
    items = demo.frame(
        "SELECT r.survey_id, AVG(r.value) AS score FROM response r JOIN question q ON q.id = r.question_id "
        "JOIN org_unit u ON u.id = r.org_unit_id "
        f"WHERE q.driver = 'Burnout Risk & Workload' AND u.parent_id = {department} "
        "GROUP BY r.survey_id ORDER BY r.survey_id"
    )
    scores = items.score.tolist()
    assert scores[0] > scores[1] + 0.4 > scores[2] + 0.8


def test_exit_interviews_of_late_leavers_name_the_workload(demo):
    department = demo.unit_id(demo.stories["burnout_department"])
    exits = demo.frame(
        "SELECT c.created_on, c.text_redacted, t.themes FROM comment c "
        "JOIN comment_truth t ON t.comment_id = c.id JOIN org_unit u ON u.id = c.org_unit_id "
        f"WHERE c.source = 'exit_interview' AND u.parent_id = {department}"
    )
    late = exits[exits.created_on >= demo.stories["attrition_rise_from"]]
    assert len(late) >= 5
    assert late.themes.map(lambda t: "Burnout Risk & Workload" in json.loads(t)).all()
