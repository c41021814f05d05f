"""The management-trust team, the perception gap, the strategic skill gap and the anomaly."""

from __future__ import annotations

import json

import pandas as pd

MANAGER_WORDS = ("manager", "management", "lead", "boss", "report to", "favourit", "promise", "listen")


def test_trust_team_is_quotable_and_rates_management_low_every_cycle(demo):
    team = demo.unit_id(demo.stories["trust_team"])
    people = demo.people()
    assert 11 <= ((people.org_unit_id == team) & people.exit_date.isna()).sum() <= 14
    scores = demo.frame(
        f"SELECT r.survey_id, r.org_unit_id = {team} AS trust, AVG(r.value) AS score, "
        "COUNT(DISTINCT r.respondent_key) AS n FROM response r JOIN question q ON q.id = r.question_id "
        "WHERE q.driver = 'Management Trust' GROUP BY r.survey_id, trust"
    ).pivot(index="survey_id", columns="trust")
    assert len(scores) == 3
    assert (scores["score"][1] < scores["score"][0] - 1.0).all()
    assert (scores["n"][1] >= 10).all()


def test_trust_team_comments_complain_about_the_manager(demo):
    team = demo.unit_id(demo.stories["trust_team"])
    comments = demo.frame(
        "SELECT c.survey_id, c.text_redacted, t.themes, t.sentiment FROM comment c "
        f"JOIN comment_truth t ON t.comment_id = c.id WHERE c.source = 'survey' AND c.org_unit_id = {team}"
    )
    about_trust = comments[comments.themes.map(lambda t: "Management Trust" in json.loads(t))]
    assert about_trust.groupby("survey_id").size().min() >= 5
    assert about_trust.sentiment.mean() < -0.3
    mentions = about_trust.text_redacted.str.lower().map(lambda text: any(w in text for w in MANAGER_WORDS))
    assert mentions.mean() > 0.9


def test_leaders_see_management_and_workload_more_favourably(demo):
    answers = demo.frame(
        "SELECT p.level >= 7 AS leader, r.value >= 4 AS favourable FROM response r "
        "JOIN question q ON q.id = r.question_id JOIN person p ON p.id = r.person_id "
        "WHERE q.driver IN ('Management Trust', 'Burnout Risk & Workload')"
    )
    favourability = answers.groupby("leader").favourable.mean()
    assert answers.leader.sum() >= 5 * 3 * 6, "at least five leaders answer every cycle"
    assert favourability[1] > favourability[0] + 0.25


def test_strategic_skill_gap_grows_every_quarter_and_ranks_first(demo):
    skill = demo.stories["strategic_skill"]
    demand = demo.frame(
        "SELECT s.code, d.period_start, d.demand_fte FROM skill_demand d JOIN skill s ON s.id = d.skill_id"
    )
    held = demo.frame(
        "SELECT s.code, ps.assessed_on, p.hire_date, p.exit_date FROM person_skill ps "
        "JOIN skill s ON s.id = ps.skill_id JOIN person p ON p.id = ps.person_id WHERE ps.proficiency >= 3"
    )
    rows = []
    for period in sorted(demand.period_start.unique()):
        on_staff = held[
            (held.hire_date <= period)
            & (held.assessed_on <= period)
            & (held.exit_date.isna() | (held.exit_date > period))
        ]
        supply = on_staff.groupby("code").size()
        wanted = demand[demand.period_start == period].set_index("code").demand_fte
        rows.append((wanted - supply.reindex(wanted.index, fill_value=0)).rename(period))
    gaps = pd.DataFrame(rows)
    strategic = gaps[skill]
    assert strategic.is_monotonic_increasing and strategic.iloc[-1] > strategic.iloc[0] + 10
    supply_series = [
        len(held[(held.code == skill) & (held.hire_date <= p) & (held.assessed_on <= p)])
        for p in sorted(demand.period_start.unique())
    ]
    assert len(set(supply_series)) == 1, "the strategic skill's supply stays flat"
    assert gaps.iloc[-1].idxmax() == skill
    assert gaps.iloc[-1].drop(skill).max() < strategic.iloc[-1] / 2


def test_anomaly_is_the_team_s_two_most_unusual_weeks(demo):
    team = demo.unit_id(demo.stories["anomaly_team"])
    weekly = demo.frame(
        "SELECT a.week_start, AVG(a.meeting_hours) AS meeting_hours, AVG(a.output) AS output "
        "FROM activity_week a "
        f"JOIN person p ON p.id = a.person_id WHERE p.org_unit_id = {team} GROUP BY a.week_start"
    ).set_index("week_start")
    metric = demo.stories["anomaly_metric"]
    z = (weekly[metric] - weekly[metric].median()) / weekly[metric].std()
    assert set(z.nlargest(2).index) == set(demo.stories["anomaly_weeks"])
    assert z.nlargest(2).min() > 4
    dip = weekly.loc[demo.stories["anomaly_weeks"], "output"].mean()
    assert dip < 0.7 * weekly.output.median()


def test_time_off_shows_holiday_seasonality(demo):
    weekly = demo.frame("SELECT week_start, AVG(pto_hours) AS pto FROM activity_week GROUP BY week_start")
    weekly["month"] = pd.to_datetime(weekly.week_start).dt.month
    by_month = weekly.groupby("month").pto.mean()
    assert by_month[12] > 2 * by_month[[3, 4, 5, 10]].mean()
    assert by_month[[7, 8]].mean() > 1.5 * by_month[[3, 4, 5, 10]].mean()
