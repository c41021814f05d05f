"""The whole core data model, designed once so later capabilities fill tables rather than migrate them.

Personal data lives here but is never read directly by services: the policy layer is the only door.
Protected attributes sit in their own table so no feature pipeline can pick them up by accident.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger that stays an autoincrementing INTEGER PRIMARY KEY on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


# --- organisation -------------------------------------------------------------------------------


class OrgUnit(Base):
    __tablename__ = "org_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="team")  # company | division | department | team
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    cost_center: Mapped[str | None] = mapped_column(String(64))
    parent: Mapped[OrgUnit | None] = relationship(remote_side="OrgUnit.id", back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")


class Person(TimestampMixin, Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    hris_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    job_title: Mapped[str | None] = mapped_column(String(200))
    job_family: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(100))
    employment_type: Mapped[str | None] = mapped_column(String(32))
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(
        String(64)
    )  # voluntary | involuntary | retirement | other
    exit_regretted: Mapped[bool | None] = mapped_column(Boolean)
    salary: Mapped[float | None] = mapped_column(Float)
    pay_band_min: Mapped[float | None] = mapped_column(Float)
    pay_band_max: Mapped[float | None] = mapped_column(Float)
    last_promotion_date: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    manager: Mapped[Person | None] = relationship(remote_side="Person.id")
    org_unit: Mapped[OrgUnit | None] = relationship()


class ProtectedAttribute(Base):
    """Kept apart from `person`: used only by fairness audits, never as a model feature."""

    __tablename__ = "protected_attribute"
    __table_args__ = (UniqueConstraint("person_id", "attribute"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    attribute: Mapped[str] = mapped_column(String(64))  # gender | age_band | ethnicity | disability | ...
    value: Mapped[str] = mapped_column(String(100))


class User(TimestampMixin, Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped on logout (and whenever every signed session cookie must stop working).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    person: Mapped[Person | None] = relationship()


# --- listening ----------------------------------------------------------------------------------


class Survey(Base):
    __tablename__ = "survey"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(
        String(32), default="engagement"
    )  # engagement | pulse | exit | leadership
    audience: Mapped[str] = mapped_column(String(32), default="all")  # all | leadership
    cycle: Mapped[int | None] = mapped_column(Integer)
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    questions: Mapped[list[Question]] = relationship(back_populates="survey")


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("survey_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    driver: Mapped[str | None] = mapped_column(String(100))  # driver / factor, e.g. "Management Trust"
    kind: Mapped[str] = mapped_column(String(16), default="likert")  # likert | enps | engagement
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    survey: Mapped[Survey] = relationship(back_populates="questions")


class Response(Base):
    """One answer. The respondent is confidential: `person_id` exists only so the policy layer can
    aggregate by breakdowns; it is never returned to any reader."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("question_id", "respondent_key"),
        Index("ix_response_survey_question", "survey_id", "question_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    respondent_key: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    value: Mapped[float] = mapped_column(Float)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)


class Comment(Base):
    """Free text, stored only after redaction."""

    __tablename__ = "comment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(32))  # survey | exit_interview | public_review | other
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date, index=True)
    text_redacted: Mapped[str] = mapped_column(Text)
    redaction_version: Mapped[str | None] = mapped_column(String(64))
    sentiment: Mapped[float | None] = mapped_column(Float)
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    model_version: Mapped[str | None] = mapped_column(String(64))
    scored_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    themes: Mapped[list[CommentTheme]] = relationship(back_populates="comment", cascade="all, delete-orphan")


class CommentTheme(Base):
    __tablename__ = "comment_theme"
    __table_args__ = (UniqueConstraint("comment_id", "theme"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(100), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    sentiment: Mapped[float] = mapped_column(Float)
    comment: Mapped[Comment] = relationship(back_populates="themes")


class CommentTruth(Base):
    """Ground truth the demo generator knows about its own comments, so tests can score the analyses."""

    __tablename__ = "comment_truth"
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    themes: Mapped[list[Any]] = mapped_column(JSON)
    sentiment: Mapped[float] = mapped_column(Float)


# --- work patterns ------------------------------------------------------------------------------


class ActivityWeek(Base):
    __tablename__ = "activity_week"
    __table_args__ = (UniqueConstraint("person_id", "week_start"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    week_start: Mapped[dt.date] = mapped_column(Date, index=True)
    hours: Mapped[float] = mapped_column(Float)
    after_hours: Mapped[float] = mapped_column(Float, default=0.0)
    meeting_hours: Mapped[float] = mapped_column(Float, default=0.0)
    pto_hours: Mapped[float] = mapped_column(Float, default=0.0)
    output: Mapped[float | None] = mapped_column(Float)  # team-defined output measure (tickets, deals, ...)


class CollaborationEdge(Base):
    __tablename__ = "collaboration_edge"
    __table_args__ = (UniqueConstraint("source_person_id", "target_person_id", "period_start"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    target_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    weight: Mapped[float] = mapped_column(Float)  # interactions in the period; never message content


# --- skills and growth --------------------------------------------------------------------------


class Skill(Base):
    __tablename__ = "skill"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(100))


class PersonSkill(Base):
    __tablename__ = "person_skill"
    __table_args__ = (UniqueConstraint("person_id", "skill_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), index=True)
    proficiency: Mapped[int] = mapped_column(Integer)  # 1..5
    assessed_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(32))  # self | manager | certification


class RoleRequirement(Base):
    __tablename__ = "role_requirement"
    __table_args__ = (UniqueConstraint("job_title", "skill_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_title: Mapped[str] = mapped_column(String(200))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), index=True)
    required_proficiency: Mapped[int] = mapped_column(Integer)


class SkillDemand(Base):
    __tablename__ = "skill_demand"
    __table_args__ = (UniqueConstraint("skill_id", "org_unit_id", "period_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    demand_fte: Mapped[float] = mapped_column(Float)  # people needed at working proficiency
    strategic_weight: Mapped[float] = mapped_column(Float, default=1.0)


class LearningProgram(Base):
    __tablename__ = "learning_program"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[list[Skill]] = relationship(secondary="learning_program_skill")


class LearningProgramSkill(Base):
    __tablename__ = "learning_program_skill"
    program_id: Mapped[int] = mapped_column(
        ForeignKey("learning_program.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)


class Enrollment(Base):
    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("person_id", "program_id", "enrolled_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("learning_program.id", ondelete="CASCADE"), index=True)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    hours_completed: Mapped[float] = mapped_column(Float, default=0.0)


class InternalMove(Base):
    __tablename__ = "internal_move"
    __table_args__ = (UniqueConstraint("person_id", "move_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    move_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))  # promotion | lateral | transfer | demotion
    from_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    to_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    from_title: Mapped[str | None] = mapped_column(String(200))
    to_title: Mapped[str | None] = mapped_column(String(200))
    from_level: Mapped[int | None] = mapped_column(Integer)
    to_level: Mapped[int | None] = mapped_column(Integer)


class ProficiencyMilestone(Base):
    __tablename__ = "proficiency_milestone"
    __table_args__ = (UniqueConstraint("person_id", "milestone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    milestone: Mapped[str] = mapped_column(String(100))  # e.g. "fully_proficient"
    reached_on: Mapped[dt.date] = mapped_column(Date)


# --- alignment, metrics, decisions --------------------------------------------------------------


class Charter(TimestampMixin, Base):
    __tablename__ = "charter"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_yaml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | active | superseded
    created_by: Mapped[str | None] = mapped_column(String(254))
    approved_by: Mapped[str | None] = mapped_column(String(254))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approval_note: Mapped[str | None] = mapped_column(Text)


class Objective(Base):
    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("charter_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charter.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    why: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    target_metric: Mapped[str | None] = mapped_column(String(100))
    target_value: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    linked_themes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    linked_metrics: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Workshop(TimestampMixin, Base):
    __tablename__ = "workshop"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    opened_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WorkshopParticipant(Base):
    __tablename__ = "workshop_participant"
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    capacity: Mapped[str] = mapped_column(String(32), default="contributor")  # manager | contributor


class MetricDefinition(TimestampMixin, Base):
    __tablename__ = "metric_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    measure: Mapped[str] = mapped_column(String(100))  # a library measure; never user code
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    definition: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(32))
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    owner: Mapped[str | None] = mapped_column(String(254))
    audience: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft|in_review|approved|retired
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id"), index=True)


class MetricReview(TimestampMixin, Base):
    __tablename__ = "metric_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    metric_definition_id: Mapped[int] = mapped_column(
        ForeignKey("metric_definition.id", ondelete="CASCADE"), index=True
    )
    reviewer_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    verdict: Mapped[str] = mapped_column(String(16))  # approve | object | suggest
    blocking: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    suggested_parameters: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reflects_high_performance: Mapped[int | None] = mapped_column(Integer)  # 1..5
    comment: Mapped[str | None] = mapped_column(Text)


class Anomaly(Base):
    __tablename__ = "anomaly"
    __table_args__ = (UniqueConstraint("metric_key", "org_unit_id", "week_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    metric_key: Mapped[str] = mapped_column(String(100))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    week_start: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | explained | dismissed
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Annotation(TimestampMixin, Base):
    __tablename__ = "annotation"
    id: Mapped[int] = mapped_column(primary_key=True)
    metric_key: Mapped[str] = mapped_column(String(100), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    anomaly_id: Mapped[int | None] = mapped_column(ForeignKey("anomaly.id", ondelete="SET NULL"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    exclude_from_models: Mapped[bool] = mapped_column(Boolean, default=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ModelCard(TimestampMixin, Base):
    __tablename__ = "model_card"
    __table_args__ = (UniqueConstraint("model_name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    model_name: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="inactive")  # inactive | active | retired
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fairness: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fairness_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    override_by: Mapped[str | None] = mapped_column(String(254))
    override_rationale: Mapped[str | None] = mapped_column(Text)
    artifact_path: Mapped[str | None] = mapped_column(String(500))


class Prediction(Base):
    """Individual-level model output; readable only by the roles and purposes the charter names."""

    __tablename__ = "prediction"
    __table_args__ = (UniqueConstraint("model_card_id", "person_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    model_card_id: Mapped[int] = mapped_column(ForeignKey("model_card.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(16))
    factors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    scored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Recommendation(TimestampMixin, Base):
    __tablename__ = "recommendation"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # stay_interview | development | rebalance | coaching
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    explanation: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    model_version: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|accepted|dismissed|snoozed|done
    assigned_role: Mapped[str] = mapped_column(String(32), default="hr_partner")
    acted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    outcome_recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Decision(TimestampMixin, Base):
    """A significant career decision: always made by a named human with a rationale."""

    __tablename__ = "decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32))  # hire|promotion|termination|pay_change|performance_rating
    subject_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    decided_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    second_reviewer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rationale: Mapped[str] = mapped_column(Text)
    considered_inputs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    # pending_review until the named second reviewer confirms (effective) or rejects (rejected) it
    status: Mapped[str] = mapped_column(String(16), default="effective", server_default="effective")
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TownHallPost(TimestampMixin, Base):
    __tablename__ = "town_hall_post"
    id: Mapped[int] = mapped_column(primary_key=True)
    chart_key: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # story | question
    topic: Mapped[str | None] = mapped_column(String(100))
    # keyed pseudonym of the writer for this chart: counts distinct writers, names nobody
    writer_key: Mapped[str | None] = mapped_column(String(64))
    text_redacted: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class CheckIn(TimestampMixin, Base):
    __tablename__ = "check_in"
    id: Mapped[int] = mapped_column(primary_key=True)
    manager_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    employee_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    shared_by_employee: Mapped[bool] = mapped_column(Boolean, default=False)


class CorrectionRequest(TimestampMixin, Base):
    __tablename__ = "correction_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(100))
    requested_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | rejected
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str | None] = mapped_column(Text)


# --- operations and trust -----------------------------------------------------------------------


class ImportRun(Base):
    """One import of one file: feeds the readiness audit's freshness and coverage findings."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(254))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(Base):
    """Append-only and hash-chained: each row's hash covers its content and the previous row's hash."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    purpose: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(16))  # allowed | denied | changed | error
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditEventSubject(Base):
    """Whom each audit event is about (its `subject` and every HRIS id under `detail.subjects`), so a
    person's access log is an index look-up rather than a scan of every event's detail text.

    Derived from the event and written with it, never hashed: the chain covers the event alone. The
    primary key leads with the subject, which is the look-up, and on SQLite is the table itself
    (WITHOUT ROWID: a list read of thousands writes one b-tree, not two); there is no `id` column, so
    the data version (`policy.data_version`) ignores this table as it ignores the trail it indexes."""

    __tablename__ = "audit_event_subject"
    __table_args__ = ({"sqlite_with_rowid": False},)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("audit_event.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class AppSetting(Base):
    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=func.now()
    )
