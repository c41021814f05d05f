"""Each import kind writes what its file says, resolves references and refuses what does not fit."""

from __future__ import annotations

import pytest
from ingest_helpers import Writer, run, table_counts
from sqlalchemy import func, select

from peoplealign.ingest.problems import ImportProblemsError
from peoplealign.store.engine import session_scope
from peoplealign.store.models import (
    ActivityWeek,
    AppSetting,
    CollaborationEdge,
    Comment,
    Enrollment,
    InternalMove,
    LearningProgram,
    PersonSkill,
    Question,
    Response,
    RoleRequirement,
    Skill,
    SkillDemand,
    Survey,
)

SURVEY = (
    "survey_code,question_code,respondent_id,value,survey_name,question_kind,question_text,answered_on\n"
    "ENG25,Q1,E2,4,Engagement 2025,likert,I trust my manager,2025-03-10\n"
    "ENG25,Q1,E3,5,Engagement 2025,likert,I trust my manager,2025-03-10\n"
    "ENG25,NPS,E2,9,Engagement 2025,enps,How likely are you to recommend us,2025-03-10\n"
    "ENG25,NPS,anonymous-17,3,Engagement 2025,enps,How likely are you to recommend us,2025-03-11\n"
)


def test_survey_answers_hide_respondents_and_inherit_units(org_url: str, write_file: Writer) -> None:
    assert run("survey", write_file("survey.csv", SURVEY), org_url).inserted == 4
    with session_scope(org_url) as session:
        survey = session.scalar(select(Survey).where(Survey.code == "ENG25"))
        assert survey is not None and survey.name == "Engagement 2025"
        scales = {q.code: (q.scale_min, q.scale_max, q.kind) for q in session.scalars(select(Question))}
        assert scales == {"Q1": (1, 5, "likert"), "NPS": (0, 10, "enps")}
        responses = session.scalars(select(Response)).all()
        keys = {r.respondent_key for r in responses}
        assert len(keys) == 3 and all(len(k) == 64 for k in keys)
        assert not keys & {"E2", "E3", "anonymous-17"}
        assert sum(r.person_id is not None for r in responses) == 3
        assert {r.org_unit_id for r in responses if r.person_id is not None} != {None}
        assert session.scalar(select(AppSetting).where(AppSetting.key == "respondent_salt")) is not None
    again = run("survey", write_file("survey.csv", SURVEY), org_url)
    assert (again.inserted, again.unchanged) == (0, 4)


def test_survey_value_outside_the_scale_is_refused(org_url: str, write_file: Writer) -> None:
    bad = SURVEY + "ENG25,Q1,E4,7,Engagement 2025,likert,I trust my manager,2025-03-10\n"
    before = table_counts(org_url)
    with pytest.raises(
        ImportProblemsError, match=r"survey\.csv, row 6, column value: expected a value within"
    ):
        run("survey", write_file("survey.csv", bad), org_url)
    assert table_counts(org_url) == before


def test_work_patterns_and_collaboration(org_url: str, write_file: Writer) -> None:
    activity = "hris_id,week_start,hours,after_hours\nE2,2025-03-10,42.5,3\nE3,2025-03-10,38,\n"
    assert run("activity", write_file("activity.csv", activity), org_url).inserted == 2
    edges = "source_hris_id,target_hris_id,period_start,weight\nE2,E3,2025-03-01,12\n"
    assert run("collaboration", write_file("edges.csv", edges), org_url).inserted == 1
    with session_scope(org_url) as session:
        assert sorted(session.scalars(select(ActivityWeek.after_hours))) == [0.0, 3.0]
        assert session.scalar(select(CollaborationEdge.weight)) == 12.0
    tuesday = "hris_id,week_start,hours\nE2,2025-03-11,40\n"
    with pytest.raises(ImportProblemsError, match=r"row 2, column week_start: expected a Monday"):
        run("activity", write_file("tuesday.csv", tuesday), org_url)
    stranger = "hris_id,week_start,hours\nX1,2025-03-10,40\n"
    with pytest.raises(
        ImportProblemsError, match=r"row 2, column hris_id: expected the HRIS id of a stored person"
    ):
        run("activity", write_file("stranger.csv", stranger), org_url)


def test_skills_requirements_demand_moves_and_learning(org_url: str, write_file: Writer) -> None:
    skills = "hris_id,skill_code,proficiency,skill_name,category\nE2,PY,4,Python,Engineering\nE3,PY,2,,\n"
    assert run("skills", write_file("skills.csv", skills), org_url).inserted == 2
    requirements = "job_title,skill_code,required_proficiency\nEngineer,PY,3\nEngineer,SQL,2\n"
    assert run("role-requirements", write_file("req.csv", requirements), org_url).inserted == 2
    demand = "skill_code,period_start,demand_fte,org_unit\nPY,2030-01-01,4,ENG\nML,2030-01-01,2,\n"
    assert run("skill-demand", write_file("demand.csv", demand), org_url).inserted == 2
    assert run("skill-demand", write_file("demand.csv", demand), org_url).unchanged == 2
    moves = "hris_id,move_date,kind,from_org_unit,to_org_unit\nE3,2024-06-01,transfer,OPS,ENG\n"
    assert run("internal-moves", write_file("moves.csv", moves), org_url).inserted == 1
    learning = (
        "hris_id,program_code,enrolled_on,program_name,program_skills,completed_on,hours_completed\n"
        "E3,PY101,2024-01-08,Python basics,PY;SQL,2024-02-01,12\n"
        "E4,PY101,2024-01-08,Python basics,PY;SQL,,\n"
    )
    assert run("learning", write_file("learning.csv", learning), org_url).inserted == 2
    with session_scope(org_url) as session:
        assert session.scalar(select(Skill.name).where(Skill.code == "PY")) == "Python"
        assert sorted(session.scalars(select(Skill.code))) == ["ML", "PY", "SQL"]
        assert session.scalar(select(func.count()).select_from(PersonSkill)) == 2
        assert session.scalar(select(func.count()).select_from(RoleRequirement)) == 2
        assert session.scalar(select(func.count()).select_from(SkillDemand)) == 2
        assert session.scalar(select(InternalMove.kind)) == "transfer"
        program = session.scalar(select(LearningProgram))
        assert program is not None and sorted(s.code for s in program.skills) == ["PY", "SQL"]
        assert sorted(session.scalars(select(Enrollment.hours_completed))) == [0.0, 12.0]
    late = "hris_id,program_code,enrolled_on,completed_on\nE2,PY101,2024-03-01,2024-02-01\n"
    with pytest.raises(ImportProblemsError, match=r"row 2, column completed_on: expected a date on or after"):
        run("learning", write_file("late.csv", late), org_url)


def test_org_unit_tree_with_parents_later_in_the_file_and_cycles(db_url: str, write_file: Writer) -> None:
    units = "code,name,parent_code\nTEAM,Team,DEPT\nDEPT,Department,CO\nCO,Company,\n"
    assert run("org-units", write_file("units.csv", units), db_url).inserted == 3
    cycle = "code,name,parent_code\nA,A,B\nB,B,A\n"
    with pytest.raises(ImportProblemsError, match=r"row 2, column parent_code: expected a chain that ends"):
        run("org-units", write_file("cycle.csv", cycle), db_url)


def test_comments_are_redacted_before_storage(org_url: str, write_file: Writer) -> None:
    comments = (
        "comment_id,text,created_on,source,hris_id\n"
        'C1,"Grace Hopper was great, mail me at someone@example.com",2025-03-12,survey,E3\n'
        "C2,Too many meetings this quarter,2025-03-12,exit_interview,\n"
    )
    assert run("comments", write_file("comments.csv", comments), org_url).inserted == 2
    with session_scope(org_url) as session:
        texts = dict(session.execute(select(Comment.external_id, Comment.text_redacted)).tuples().all())
        unit = session.scalar(select(Comment.org_unit_id).where(Comment.external_id == "C1"))
    assert "Grace" not in texts["C1"] and "someone@example.com" not in texts["C1"]
    assert texts["C2"] == "Too many meetings this quarter"
    assert unit is not None
