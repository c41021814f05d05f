"""Skills, role requirements, strategic demand, learning and time-to-proficiency.

The strategic skill's supply is held by long-serving people assessed before the window, so it
stays flat while its demand climbs every quarter; other skills' demand tracks their supply.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from peoplealign.demo.organisation import DEPARTMENTS, Organisation
from peoplealign.demo.stories import STRATEGIC_SKILL
from peoplealign.demo.timeline import NEVER, Timeline

Columns = dict[str, Any]

SKILLS = (
    ("software-development", "Software development", "Engineering"),
    ("cloud-infrastructure", "Cloud infrastructure", "Engineering"),
    ("test-automation", "Test automation", "Engineering"),
    ("information-security", "Information security", "Engineering"),
    ("data-engineering", "Data engineering", "Data"),
    (STRATEGIC_SKILL, "Machine learning engineering", "Data"),
    ("statistics", "Statistics & experimentation", "Data"),
    ("sql-analytics", "SQL & analytics", "Data"),
    ("product-discovery", "Product discovery", "Product"),
    ("ux-design", "UX design", "Product"),
    ("negotiation", "Negotiation", "Commercial"),
    ("account-management", "Account management", "Commercial"),
    ("customer-support", "Customer support", "Commercial"),
    ("content-writing", "Content writing", "Marketing"),
    ("digital-marketing", "Digital marketing", "Marketing"),
    ("supply-planning", "Supply chain planning", "Operations"),
    ("financial-modelling", "Financial modelling", "Finance"),
    ("accounting", "Accounting", "Finance"),
    ("people-analytics", "People analytics", "People"),
    ("coaching", "Coaching & feedback", "Leadership"),
    ("project-management", "Project management", "Leadership"),
    ("stakeholder-communication", "Stakeholder communication", "Leadership"),
)
SKILL_INDEX = {code: i for i, (code, _, _) in enumerate(SKILLS)}

ROLE_SKILLS = {
    "Software Engineer": ("software-development", "cloud-infrastructure", "test-automation"),
    "QA Engineer": ("test-automation", "software-development"),
    "Site Reliability Engineer": ("cloud-infrastructure", "software-development", "information-security"),
    "Product Manager": ("product-discovery", "stakeholder-communication", "project-management"),
    "Product Designer": ("ux-design", "product-discovery"),
    "UX Researcher": ("ux-design", "statistics"),
    "Data Engineer": ("data-engineering", "sql-analytics", "software-development"),
    "Data Scientist": ("statistics", "sql-analytics", STRATEGIC_SKILL),
    "Machine Learning Engineer": (STRATEGIC_SKILL, "data-engineering", "software-development"),
    "Analytics Engineer": ("sql-analytics", "data-engineering"),
    "Account Executive": ("negotiation", "account-management"),
    "Sales Development Representative": ("negotiation", "stakeholder-communication"),
    "Solutions Consultant": ("account-management", "stakeholder-communication", "product-discovery"),
    "Customer Success Specialist": ("account-management", "customer-support"),
    "Support Specialist": ("customer-support", "stakeholder-communication"),
    "Implementation Consultant": ("project-management", "customer-support", "sql-analytics"),
    "Marketing Specialist": ("digital-marketing", "content-writing"),
    "Content Strategist": ("content-writing", "digital-marketing"),
    "Growth Analyst": ("digital-marketing", "statistics", "sql-analytics"),
    "Operations Analyst": ("supply-planning", "sql-analytics"),
    "Supply Planner": ("supply-planning", "financial-modelling"),
    "Logistics Coordinator": ("supply-planning", "project-management"),
    "Financial Analyst": ("financial-modelling", "sql-analytics"),
    "Accountant": ("accounting", "financial-modelling"),
    "Payroll Specialist": ("accounting",),
    "HR Business Partner": ("coaching", "stakeholder-communication"),
    "Recruiter": ("stakeholder-communication", "negotiation"),
    "People Analyst": ("people-analytics", "statistics", "sql-analytics"),
    "HRIS Administrator": ("people-analytics", "project-management"),
    "IT Systems Administrator": ("cloud-infrastructure", "information-security"),
    "Security Engineer": ("information-security", "software-development"),
    "IT Support Technician": ("customer-support", "cloud-infrastructure"),
}
LEADER_SKILLS = ("coaching", "stakeholder-communication", "project-management")

PROGRAMS = (
    ("LP-MLE", "Machine Learning Engineering Bootcamp", 80.0, (STRATEGIC_SKILL, "data-engineering")),
    ("LP-DEF", "Data Engineering Foundations", 40.0, ("data-engineering", "sql-analytics")),
    ("LP-CLD", "Cloud Architecture Path", 30.0, ("cloud-infrastructure",)),
    ("LP-SEC", "Secure Coding", 16.0, ("information-security", "software-development")),
    ("LP-NEG", "Negotiation Masterclass", 12.0, ("negotiation", "account-management")),
    ("LP-CXL", "Customer Empathy Lab", 8.0, ("customer-support",)),
    ("LP-CFM", "Coaching for Managers", 20.0, ("coaching",)),
    ("LP-FMP", "Financial Modelling in Practice", 24.0, ("financial-modelling", "accounting")),
    ("LP-EXS", "Experimentation & Statistics", 24.0, ("statistics", "sql-analytics")),
    ("LP-PDS", "Product Discovery Sprint", 16.0, ("product-discovery", "ux-design")),
    ("LP-WTC", "Writing that Converts", 10.0, ("content-writing", "digital-marketing")),
    ("LP-PRL", "Project Leadership", 18.0, ("project-management", "stakeholder-communication")),
    ("LP-PAE", "People Analytics Essentials", 20.0, ("people-analytics", "statistics")),
    ("LP-SCP", "Supply Chain Planning Lab", 14.0, ("supply-planning",)),
)
ANNUAL_ENROLMENT_RATE = 0.35
COMPLETION_RATE = 0.75
STRATEGIC_WEIGHTS = {STRATEGIC_SKILL: 2.0, "data-engineering": 1.5, "information-security": 1.5}
MILESTONE_DEPT_FACTOR = {"ENG": 1.3, "DAT": 1.25, "PRD": 1.1, "SAL": 0.9, "CSU": 0.8}


def skill_rows() -> Columns:
    return {
        "id": np.arange(len(SKILLS)) + 1,
        "code": [c for c, _, _ in SKILLS],
        "name": [n for _, n, _ in SKILLS],
        "category": [k for _, _, k in SKILLS],
    }


def _role_skills(org: Organisation, i: int) -> tuple[str, ...]:
    return ROLE_SKILLS.get(org.role[i], LEADER_SKILLS)


def person_skills(org: Organisation, timeline: Timeline, rng: np.random.Generator) -> Columns:
    """Each person's role skills; the strategic skill reaches working proficiency only in veterans."""
    people, skills, proficiency, assessed = [], [], [], []
    veteran = (org.hire < timeline.window_start - 90) & (org.exit == NEVER)
    for i in range(org.size):
        codes = _role_skills(org, i)
        level = int(org.level[i])
        for code in codes:
            score = int(np.clip(round(1 + 0.6 * level + rng.normal(0.0, 0.7)), 1, 5))
            if code == STRATEGIC_SKILL and not veteran[i]:
                score = min(score, 2)
            people.append(i)
            skills.append(SKILL_INDEX[code])
            proficiency.append(score)
            earliest = max(int(org.hire[i]), timeline.window_start - 365)
            latest = min(int(org.exit[i]), 0) - 1
            if code == STRATEGIC_SKILL and score >= 3:
                latest = timeline.window_start - 1
            assessed.append(int(rng.integers(min(earliest, latest - 1), latest)))
    return {
        "person_id": np.array(people) + 1,
        "skill_id": np.array(skills) + 1,
        "proficiency": np.array(proficiency),
        "assessed_on": timeline.dates(np.array(assessed)),
        "source": rng.choice(["self", "manager", "certification"], len(people), p=[0.5, 0.4, 0.1]).tolist(),
    }


def role_requirements(org: Organisation) -> Columns:
    titles: dict[str, tuple[str, int]] = {}
    for i in range(org.size):
        titles.setdefault(org.title[i], (org.role[i], int(org.level[i])))
    rows: dict[str, list[Any]] = {"job_title": [], "skill_id": [], "required_proficiency": []}
    for title, (role, level) in sorted(titles.items()):
        for code in ROLE_SKILLS.get(role, LEADER_SKILLS):
            rows["job_title"].append(title)
            rows["skill_id"].append(SKILL_INDEX[code] + 1)
            rows["required_proficiency"].append(int(np.clip(2 + level // 2, 2, 5)))
    return rows


def skill_demand(
    org: Organisation, timeline: Timeline, people_skills: Columns, rng: np.random.Generator
) -> Columns:
    """Quarterly demand at company level: other skills hover near their supply, the strategic one
    climbs every quarter until its gap is the largest by far."""
    working = np.asarray(people_skills["proficiency"]) >= 3
    person = np.asarray(people_skills["person_id"])[working] - 1
    skill = np.asarray(people_skills["skill_id"])[working] - 1
    active = org.exit[person] == NEVER
    supply = np.bincount(skill[active], minlength=len(SKILLS)).astype(float)
    ratio = 1.0 + rng.uniform(-0.12, 0.08, len(SKILLS))
    strategic = SKILL_INDEX[STRATEGIC_SKILL]
    other_gaps = np.delete(supply * (ratio - 1.0), strategic)
    final_gap = max(2.0 * float(other_gaps.max()), 0.04 * org.size)
    quarters = timeline.quarter_offsets
    skill_ids, periods, demand, weight = [], [], [], []
    for q, period in enumerate(quarters):
        for s, (code, _, _) in enumerate(SKILLS):
            if s == strategic:
                value = supply[s] + final_gap * (q + 1) / len(quarters)
            else:
                value = supply[s] * ratio[s] * (1.0 + rng.normal(0.0, 0.01))
            skill_ids.append(s + 1)
            periods.append(period)
            demand.append(round(float(value), 1))
            weight.append(STRATEGIC_WEIGHTS.get(code, 1.0))
    return {
        "skill_id": skill_ids,
        "org_unit_id": [1] * len(skill_ids),
        "period_start": timeline.dates(np.array(periods)),
        "demand_fte": demand,
        "strategic_weight": weight,
    }


def learning_programs() -> tuple[Columns, Columns]:
    programs = {
        "id": list(range(1, len(PROGRAMS) + 1)),
        "code": [p[0] for p in PROGRAMS],
        "name": [p[1] for p in PROGRAMS],
        "hours": [p[2] for p in PROGRAMS],
    }
    links: dict[str, list[int]] = {"program_id": [], "skill_id": []}
    for i, (_, _, _, codes) in enumerate(PROGRAMS):
        for code in codes:
            links["program_id"].append(i + 1)
            links["skill_id"].append(SKILL_INDEX[code] + 1)
    return programs, links


def enrollments(org: Organisation, timeline: Timeline, rng: np.random.Generator) -> Columns:
    """People mostly pick programs for their own role's skills; most finish what they start."""
    active_now = int((org.exit == NEVER).sum())
    n = int(ANNUAL_ENROLMENT_RATE * 2 * active_now)
    day = rng.integers(timeline.window_start, -7, n)
    candidate = rng.integers(0, org.size, n)
    employed = (org.hire[candidate] <= day) & (org.exit[candidate] > day)
    day, person = day[employed], candidate[employed]
    fitting = {code: [i for i, p in enumerate(PROGRAMS) if code in p[3]] for code, _, _ in SKILLS}
    program = rng.integers(0, len(PROGRAMS), len(person))
    own = rng.random(len(person)) < 0.7
    for k in np.flatnonzero(own).tolist():
        options = [p for code in _role_skills(org, int(person[k])) for p in fitting[code]]
        if options:
            program[k] = options[int(rng.integers(0, len(options)))]
    hours = np.array([p[2] for p in PROGRAMS])[program]
    finish = day + (hours * rng.uniform(1.5, 4.0, len(person))).astype(int)
    done = (finish < 0) & (finish < org.exit[person]) & (rng.random(len(person)) < COMPLETION_RATE)
    key = np.stack([person, program, day], axis=1)
    _, unique = np.unique(key, axis=0, return_index=True)
    unique.sort()
    completed = np.where(done, finish, NEVER)
    partial = np.round(hours * rng.uniform(0.0, 0.8, len(person)), 1)
    return {
        "person_id": person[unique] + 1,
        "program_id": program[unique] + 1,
        "enrolled_on": timeline.dates(day[unique]),
        "completed_on": timeline.dates(completed[unique]),
        "hours_completed": np.where(done, hours, partial)[unique],
    }


def proficiency_milestones(org: Organisation, timeline: Timeline, rng: np.random.Generator) -> Columns:
    """Hires in the window reach 'onboarded' within weeks and 'fully_proficient' within months,
    slower in technical departments."""
    hired = np.flatnonzero(org.hire > timeline.window_start)
    factor = np.array(
        [MILESTONE_DEPT_FACTOR.get(DEPARTMENTS[d].code, 1.0) if d >= 0 else 1.0 for d in org.dept[hired]]
    )
    onboarded = org.hire[hired] + rng.integers(20, 46, len(hired))
    proficient = org.hire[hired] + (rng.gamma(4.0, 35.0, len(hired)) * factor).astype(int) + 45
    people, names, days = [], [], []
    for milestone, reached in (("onboarded", onboarded), ("fully_proficient", proficient)):
        ok = (reached < 0) & (reached < org.exit[hired])
        people.append(hired[ok])
        names.extend([milestone] * int(ok.sum()))
        days.append(reached[ok])
    return {
        "person_id": np.concatenate(people) + 1,
        "milestone": names,
        "reached_on": timeline.dates(np.concatenate(days)),
    }
