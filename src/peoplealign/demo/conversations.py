"""The human side of the demo: check-ins between the demo manager and employee, and a town-hall
thread where employees tell the story behind the engagement trend and a leader answers.

Everything goes through the same services people use (so posts are redacted and unattributed, and
check-ins are private until the employee shares one); nothing is added twice. A thread unlocks only
on enough different writers, so each post is written by a different demo person."""

from __future__ import annotations

import datetime as dt
from itertools import islice

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.decisions.check_ins import create_check_in, set_shared
from peoplealign.decisions.town_hall import answer_post, chart_posts, submit_post
from peoplealign.demo.users import role_user
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import active_charter
from peoplealign.policy.check_in_access import CheckInAccess
from peoplealign.store.models import CheckIn, Person, TownHallPost, User

STORIES = (
    ("story", "The dip in spring was the reorganisation: three teams lost their lead in the same month."),
    ("story", "We shipped the new billing system in April and most of us worked weekends to get there."),
    ("question", "Engagement fell in every cycle this year. What will change before the next survey?"),
    ("story", "My team is proud of the work but tired. Nobody had a real holiday over the summer."),
    ("question", "Will the hiring freeze be lifted for teams that are clearly understaffed?"),
    ("story", "Career conversations stopped when our manager left; the new one restarted them and it helps."),
    ("story", "Support tickets doubled after the price change and we were not told it was coming."),
    ("question", "Why do the survey results reach us two months after the survey closes?"),
    ("story", "Remote colleagues feel left out of decisions that are made in the office corridors."),
    ("story", "The mentoring programme is the best thing that happened here this year."),
)
PENDING = (
    ("question", "Is Resource Allocation low because of the budget cut or because of how work is planned?"),
    ("story", "We spend more time in status meetings than building things."),
)
ANSWER = (
    "We will publish results within two weeks of a survey closing from now on, and each department "
    "will discuss its own results in its next all-hands."
)
CHECK_INS = (
    (
        21,
        "Talked about the workload since the launch and which tasks can wait.",
        "Hand over the on-call rotation by the end of the month.",
        "Asked for earlier notice of deadlines; agreed to share the plan on Mondays.",
        True,
    ),
    (
        7,
        "Career: interest in the data engineering path.",
        "Pick a mentor from the data team and join the next learning cohort.",
        "The design review went well; more of that.",
        False,
    ),
)


def _demo_actor(session: Session, role: str) -> Actor | None:
    user = role_user(session, role)
    return Actor.from_user(user) if user is not None else None


def _writers(session: Session, first: Actor, count: int) -> list[Actor]:
    """The demo employee and active colleagues, each writing as themselves (most have no login in
    the demo, so they are represented by their person, as the pseudonym is)."""
    people = session.scalars(
        select(Person).where(Person.exit_date.is_(None), Person.email.is_not(None)).order_by(Person.id)
    )
    others = (
        Actor(email=str(p.email), roles=frozenset({"employee"}), person_id=p.id)
        for p in people
        if p.id != first.person_id
    )
    return [first, *islice(others, count - 1)]


def seed_conversations(session: Session, today: dt.date | None = None) -> int:
    """Adds the demo's check-ins and town-hall posts once; returns how many items were added."""
    day = today or dt.date.today()
    charter = active_charter(session)
    added = 0
    employee, manager, executive = (_demo_actor(session, r) for r in ("employee", "manager", "executive"))
    if employee is None or manager is None or executive is None:
        return 0
    if not session.scalar(select(func.count()).select_from(TownHallPost)):
        writers = _writers(session, employee, len(STORIES))
        posts = [(w, "engagement", kind, text) for w, (kind, text) in zip(writers, STORIES, strict=False)]
        posts += [(w, "drivers", kind, text) for w, (kind, text) in zip(writers, PENDING, strict=False)]
        for writer, chart, kind, text in posts:
            submit_post(session, charter, writer, chart, kind, text)
        question = next(
            (p for p in chart_posts(session, charter)["engagement"].published if "two months" in p.text),
            None,
        )
        if question is not None:
            answer_post(session, charter, executive, question.id, ANSWER)
        added += len(posts)
    reports = {hris for hris, _ in CheckInAccess(session, manager, charter).direct_reports()}
    login = session.get(User, employee.user_id)
    target = login.person.hris_id if login is not None and login.person is not None else None
    if target in reports and not session.scalar(select(func.count()).select_from(CheckIn)):
        for days_ago, notes, goals, feedback, shared in CHECK_INS:
            view = create_check_in(
                session,
                charter,
                manager,
                employee_hris_id=str(target),
                held_on=day - dt.timedelta(days=days_ago),
                notes=notes,
                goals=goals,
                feedback=feedback,
            )
            if shared:
                set_shared(session, charter, employee, view.id, True)
            added += 1
    return added
