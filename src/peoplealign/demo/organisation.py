"""The demo organisation: the unit tree, its people (current and former), managers, careers and pay.

People are columns of numpy arrays rather than objects so 5,000 employees and their history cost
milliseconds; every later generator (activity, surveys, skills) reads these columns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from peoplealign.demo.names import CITIES, EMAIL_DOMAIN, FIRST_NAMES, LAST_NAMES
from peoplealign.demo.stories import (
    BURNOUT_EXTRA_EXIT_RATE,
    BURNOUT_REGRETTED_SHARE,
    TRUST_TEAM_SIZE,
)
from peoplealign.demo.timeline import NEVER, TENURE_HORIZON_DAYS, Timeline
from peoplealign.errors import InvalidInputError

MIN_EMPLOYEES = 250
MAX_EMPLOYEES = 50_000
MIN_TEAMS = 40
MEAN_TEAM_SIZE = 13
ANNUAL_EXIT_RATE = 0.11
HIRED_IN_WINDOW_SHARE = 0.22
IC_LEVELS = np.array([1, 2, 3, 4, 5])
IC_LEVEL_WEIGHTS = np.array([0.16, 0.30, 0.30, 0.16, 0.08])
IC_LEVEL_PREFIX = {1: "Associate ", 2: "", 3: "Senior ", 4: "Lead ", 5: "Principal "}
CITY_WEIGHTS = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
HEADQUARTERS = CITIES[0]
MOVE_KINDS = ("promotion", "transfer", "lateral")
MOVE_PROBABILITIES = np.array([0.16, 0.07, 0.04])  # over the two-year window, for eligible people
EXIT_REASONS = ("voluntary", "involuntary", "other")
EXIT_REASON_WEIGHTS = np.array([0.72, 0.22, 0.06])
BASE_REGRETTED_SHARE = 0.45
GENDERS = (("woman", 0.47), ("man", 0.47), ("non-binary", 0.03), ("undisclosed", 0.03))
AGE_BANDS = (("under 25", 0.1), ("25-34", 0.33), ("35-44", 0.3), ("45-54", 0.18), ("55 and over", 0.09))
GOLDEN = (5**0.5 - 1) / 2


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    weight: float
    roles: tuple[str, ...]
    manager_title: str
    head_title: str
    team_names: tuple[str, ...]


DEPARTMENTS = (
    Department(
        "ENG", "Engineering", 0.22,
        ("Software Engineer", "QA Engineer", "Site Reliability Engineer"),
        "Engineering Manager", "VP Engineering",
        ("Platform", "Payments", "Mobile Apps", "Web Experience", "Infrastructure", "Search",
         "Identity", "Billing Systems", "Reliability", "Developer Experience", "Integrations", "Core API"),
    ),
    Department(
        "PRD", "Product", 0.07,
        ("Product Manager", "Product Designer", "UX Researcher"),
        "Group Product Manager", "VP Product",
        ("Product Discovery", "Design Systems", "Growth Product", "Research Ops", "Pricing Product"),
    ),
    Department(
        "DAT", "Data & Analytics", 0.07,
        ("Data Engineer", "Data Scientist", "Machine Learning Engineer", "Analytics Engineer"),
        "Data Manager", "VP Data",
        ("Data Platform", "Insights", "Machine Learning", "Experimentation", "Data Governance"),
    ),
    Department(
        "SAL", "Sales", 0.15,
        ("Account Executive", "Sales Development Representative", "Solutions Consultant"),
        "Sales Manager", "VP Sales",
        ("Enterprise North", "Enterprise South", "Mid-Market", "Inside Sales", "Partnerships",
         "Public Sector", "New Business", "Renewals Desk"),
    ),
    Department(
        "CSU", "Customer Success", 0.14,
        ("Customer Success Specialist", "Support Specialist", "Implementation Consultant"),
        "Customer Success Lead", "VP Customer Success",
        ("Onboarding", "Tier 1 Support", "Tier 2 Support", "Enterprise Accounts", "Renewals",
         "Customer Education", "Escalations"),
    ),
    Department(
        "MKT", "Marketing", 0.07,
        ("Marketing Specialist", "Content Strategist", "Growth Analyst"),
        "Marketing Manager", "VP Marketing",
        ("Brand", "Demand Generation", "Content Studio", "Product Marketing", "Events"),
    ),
    Department(
        "OPS", "Operations", 0.11,
        ("Operations Analyst", "Supply Planner", "Logistics Coordinator"),
        "Operations Manager", "VP Operations",
        ("Fulfilment", "Supply Planning", "Vendor Management", "Facilities", "Quality Assurance",
         "Logistics"),
    ),
    Department(
        "FIN", "Finance", 0.06,
        ("Financial Analyst", "Accountant", "Payroll Specialist"),
        "Finance Manager", "Chief Financial Officer",
        ("Controlling", "Financial Planning", "Accounts Payable", "Tax", "Treasury"),
    ),
    Department(
        "PPL", "People", 0.05,
        ("HR Business Partner", "Recruiter", "People Analyst", "HRIS Administrator"),
        "People Manager", "Chief People Officer",
        ("HR Business Partners", "Talent Acquisition", "People Analytics", "Learning & Development"),
    ),
    Department(
        "ITS", "IT", 0.06,
        ("IT Systems Administrator", "Security Engineer", "IT Support Technician"),
        "IT Manager", "Chief Information Officer",
        ("Workplace IT", "Security", "Enterprise Systems", "Service Desk"),
    ),
)  # fmt: skip

# Roles every demo needs at least one of, so the demo logins can be linked to a fitting person.
REQUIRED_ROLES = {"PPL": ("HR Business Partner", "People Analyst"), "ITS": ("IT Systems Administrator",)}
CEO_TITLE = "Chief Executive Officer"


@dataclass
class Organisation:
    """Units and people as parallel columns; index i of every person column is the same person."""

    unit_code: list[str]
    unit_name: list[str]
    unit_kind: list[str]
    unit_parent: np.ndarray
    unit_dept: np.ndarray  # department index of each unit, -1 for the company
    team_units: np.ndarray  # unit index of each team
    team_manager: np.ndarray  # person index of each team's manager
    name: list[str]
    email: list[str]
    unit: np.ndarray
    dept: np.ndarray
    manager: np.ndarray
    role: list[str]
    title: list[str]
    level: np.ndarray
    location: list[str]
    hire: np.ndarray
    exit: np.ndarray
    exit_reason: list[str | None]
    regretted: list[bool | None]
    salary: np.ndarray
    band_min: np.ndarray
    band_max: np.ndarray
    last_promotion: np.ndarray
    move_kind: list[str | None]
    move_day: np.ndarray
    move_from_unit: np.ndarray
    move_from_title: list[str | None]
    move_from_level: np.ndarray
    gender: list[str]
    age_band: list[str]
    burnout_dept: int
    trust_team: int  # unit index

    @property
    def size(self) -> int:
        return len(self.name)

    @property
    def is_manager(self) -> np.ndarray:
        flags = np.zeros(self.size, dtype=bool)
        flags[self.manager[self.manager >= 0]] = True
        return flags

    def unit_at(self, day: np.ndarray | int) -> np.ndarray:
        """Each person's unit on a day: before a transfer they were still in the team they left."""
        return np.where(day < self.move_day, self.move_from_unit, self.unit)

    def employed(self, day: int) -> np.ndarray:
        return (self.hire <= day) & (self.exit > day)


def pay_band(level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pay bands widen and rise with level; the same band applies in every location."""
    low = np.round(38_000 * 1.22 ** (level - 1), -2)
    return low, np.round(low * 1.5, -2)


def build_organisation(
    employees: int, rng: np.random.Generator, timeline: Timeline, burnout_dept: str, trust_dept: str
) -> Organisation:
    if not MIN_EMPLOYEES <= employees <= MAX_EMPLOYEES:
        raise InvalidInputError(
            f"--employees must be between {MIN_EMPLOYEES} and {MAX_EMPLOYEES} (got {employees}): "
            f"fewer cannot hold {MIN_TEAMS} teams and the planted stories"
        )
    codes = [d.code for d in DEPARTMENTS]
    return _Builder(rng, timeline, codes.index(burnout_dept), codes.index(trust_dept)).build(employees)


class _Builder:
    def __init__(self, rng: np.random.Generator, timeline: Timeline, burnout: int, trust: int) -> None:
        self.rng = rng
        self.timeline = timeline
        self.burnout = burnout
        self.trust = trust

    def build(self, employees: int) -> Organisation:
        rng = self.rng
        n_teams = max(MIN_TEAMS, round(employees / MEAN_TEAM_SIZE))
        team_dept, team_size, trust_slot = self._teams(employees, n_teams)
        units = self._units(team_dept)
        team_units = np.arange(n_teams) + 1 + len(DEPARTMENTS)
        trust_team = int(team_units[trust_slot])

        # Leaders first (CEO, department heads), then each team's manager and members, then leavers.
        n_leaders = 1 + len(DEPARTMENTS)
        unit = [np.arange(n_leaders)]
        dept = [np.concatenate([[-1], np.arange(len(DEPARTMENTS))])]
        manager = [np.concatenate([[-1], np.zeros(len(DEPARTMENTS), dtype=int)])]
        level = [np.concatenate([[8], np.full(len(DEPARTMENTS), 7)])]
        team_manager = np.zeros(n_teams, dtype=int)
        cursor = n_leaders
        for t in range(n_teams):
            size = int(team_size[t])
            team_manager[t] = cursor
            unit.append(np.full(size, team_units[t]))
            dept.append(np.full(size, team_dept[t]))
            manager.append(np.concatenate([[1 + team_dept[t]], np.full(size - 1, cursor)]))
            level.append(np.concatenate([[5 + int(rng.random() < 0.3)], self._ic_levels(size - 1)]))
            cursor += size
        n_active = cursor

        leaver_team, leaver_exit, leaver_extra = self._leavers(team_size, team_dept)
        unit.append(team_units[leaver_team])
        dept.append(team_dept[leaver_team])
        manager.append(team_manager[leaver_team])
        level.append(np.minimum(self._ic_levels(len(leaver_team)), 4))

        unit_a, dept_a, manager_a, level_a = (np.concatenate(x) for x in (unit, dept, manager, level))
        size = len(unit_a)
        is_manager = np.zeros(size, dtype=bool)
        is_manager[:n_leaders] = True
        is_manager[team_manager] = True
        exit_ = np.full(size, NEVER)
        exit_[n_active:] = leaver_exit
        long_serving = (unit_a == trust_team) | (np.arange(size) < n_leaders)
        hire = self._hires(level_a, exit_, is_manager, long_serving)
        role, title = self._titles(dept_a, level_a, is_manager)
        reason, regretted = self._exit_reasons(n_active, leaver_extra)
        moves = self._moves(
            unit_a, dept_a, level_a, role, title, hire, exit_, is_manager, team_units, team_dept, trust_team
        )
        band_min, band_max = pay_band(level_a)
        position = rng.beta(2.2, 2.2, size)
        names, emails = self._names(size)
        team_location = rng.choice(CITIES, n_teams, p=CITY_WEIGHTS)
        home = np.array([HEADQUARTERS] * size, dtype=object)  # leaders sit at headquarters
        in_team = unit_a > len(DEPARTMENTS)
        home[in_team] = team_location[unit_a[in_team] - 1 - len(DEPARTMENTS)]
        elsewhere = rng.random(size) < 0.15
        home[elsewhere] = rng.choice(CITIES, int(elsewhere.sum()))
        strata = dept_a * 2 + (exit_ < NEVER)
        return Organisation(
            unit_code=units[0],
            unit_name=units[1],
            unit_kind=units[2],
            unit_parent=units[3],
            unit_dept=units[4],
            team_units=team_units,
            team_manager=team_manager,
            name=names,
            email=emails,
            unit=unit_a,
            dept=dept_a,
            manager=manager_a,
            role=role,
            title=title,
            level=level_a,
            location=home.tolist(),
            hire=hire,
            exit=exit_,
            exit_reason=reason,
            regretted=regretted,
            salary=np.round(band_min + position * (band_max - band_min), -2),
            band_min=band_min,
            band_max=band_max,
            last_promotion=self._last_promotions(hire, exit_, moves[0], moves[1]),
            move_kind=moves[0],
            move_day=moves[1],
            move_from_unit=moves[2],
            move_from_title=moves[3],
            move_from_level=moves[4],
            gender=_stratified(rng, strata, GENDERS),
            age_band=_stratified(rng, strata, AGE_BANDS),
            burnout_dept=self.burnout,
            trust_team=trust_team,
        )

    def _teams(self, employees: int, n_teams: int) -> tuple[np.ndarray, np.ndarray, int]:
        """Team sizes (several below five) and departments, and which team is the trust team."""
        rng = self.rng
        target = employees - 1 - len(DEPARTMENTS) - TRUST_TEAM_SIZE
        tiny = rng.integers(3, 5, max(5, n_teams // 8))
        target -= int(tiny.sum())
        n_rest = n_teams - len(tiny) - 1
        raw = rng.lognormal(0.0, 0.5, n_rest)
        rest = np.maximum(5, np.floor(raw / raw.sum() * target)).astype(int)
        deficit = target - int(rest.sum())
        np.add.at(rest, rng.integers(0, n_rest, max(deficit, 0)), 1)
        for _ in range(max(-deficit, 0)):
            rest[np.argmax(rest)] -= 1
        weights = np.array([d.weight for d in DEPARTMENTS])
        per_dept = np.maximum(3, np.round(weights * n_teams)).astype(int)
        per_dept[np.argmax(per_dept)] += n_teams - per_dept.sum()
        team_dept = np.repeat(np.arange(len(DEPARTMENTS)), per_dept)
        sizes = rng.permutation(np.concatenate([tiny, rest]))
        trust_slot = int(np.flatnonzero(team_dept == self.trust)[0])
        return team_dept, np.insert(sizes, trust_slot, TRUST_TEAM_SIZE), trust_slot

    def _units(self, team_dept: np.ndarray) -> tuple[list[str], list[str], list[str], np.ndarray, np.ndarray]:
        codes, names, kinds = ["ORG"], ["Northwind Collective"], ["company"]
        parents, depts = [-1], [-1]
        for i, d in enumerate(DEPARTMENTS):
            codes.append(d.code)
            names.append(d.name)
            kinds.append("department")
            parents.append(0)
            depts.append(i)
        counters: Counter[int] = Counter()
        for dept in team_dept.tolist():
            k = counters[dept]
            counters[dept] += 1
            d = DEPARTMENTS[dept]
            base = d.team_names[k % len(d.team_names)]
            round_ = k // len(d.team_names)
            codes.append(f"{d.code}-{k + 1:02d}")
            names.append(base if round_ == 0 else f"{base} {round_ + 1}")
            kinds.append("team")
            parents.append(1 + dept)
            depts.append(dept)
        return codes, names, kinds, np.array(parents), np.array(depts)

    def _ic_levels(self, n: int) -> np.ndarray:
        return self.rng.choice(IC_LEVELS, n, p=IC_LEVEL_WEIGHTS)

    def _leavers(
        self, team_size: np.ndarray, team_dept: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Former team members: a steady trickle everywhere, plus the burnout department's wave."""
        rng, tl = self.rng, self.timeline
        base = rng.poisson(team_size * ANNUAL_EXIT_RATE * 2)
        extra = np.where(team_dept == self.burnout, rng.poisson(team_size * BURNOUT_EXTRA_EXIT_RATE), 0)
        team = np.concatenate(
            [np.repeat(np.arange(len(team_size)), base), np.repeat(np.arange(len(team_size)), extra)]
        )
        exits = np.concatenate(
            [
                rng.integers(tl.window_start, -1, int(base.sum())),
                rng.integers(tl.attrition_rise_start, -1, int(extra.sum())),
            ]
        )
        is_extra = np.arange(len(team)) >= base.sum()
        return team, exits, is_extra

    def _hires(
        self, level: np.ndarray, exit_: np.ndarray, is_manager: np.ndarray, long_serving: np.ndarray
    ) -> np.ndarray:
        """Hire dates spread over ten years; a fifth of current staff joined within the window.
        Leaders, managers and the trust team joined before it, so their stories have a baseline."""
        rng, tl = self.rng, self.timeline
        size = len(level)
        veteran = -(730 + np.minimum(rng.exponential(1000, size), TENURE_HORIZON_DAYS - 760)).astype(int)
        recent = rng.integers(tl.window_start, -14, size)
        hire = np.where(rng.random(size) < HIRED_IN_WINDOW_SHARE, recent, veteran)
        senior = is_manager | long_serving
        hire = np.where(senior, np.minimum(hire, tl.window_start - 120 - (level * 40)), hire)
        left = exit_ < NEVER
        tenure = np.clip(rng.lognormal(np.log(650), 0.7, size), 60, TENURE_HORIZON_DAYS).astype(int)
        return np.where(left, np.maximum(exit_ - tenure, -TENURE_HORIZON_DAYS), hire)

    def _titles(
        self, dept: np.ndarray, level: np.ndarray, is_manager: np.ndarray
    ) -> tuple[list[str], list[str]]:
        rng = self.rng
        roles: list[str] = []
        titles: list[str] = []
        for i, (d, lv, boss) in enumerate(
            zip(dept.tolist(), level.tolist(), is_manager.tolist(), strict=True)
        ):
            if i == 0:
                roles.append(CEO_TITLE)
                titles.append(CEO_TITLE)
            elif lv == 7:
                roles.append(DEPARTMENTS[d].head_title)
                titles.append(DEPARTMENTS[d].head_title)
            elif boss:
                roles.append(DEPARTMENTS[d].manager_title)
                titles.append(DEPARTMENTS[d].manager_title)
            else:
                role = str(rng.choice(DEPARTMENTS[d].roles))
                roles.append(role)
                titles.append(IC_LEVEL_PREFIX[lv] + role)
        codes = [d.code for d in DEPARTMENTS]
        for code, required in REQUIRED_ROLES.items():
            members = [i for i in np.flatnonzero(dept == codes.index(code)).tolist() if not is_manager[i]]
            for i, role in zip(members, required, strict=False):
                roles[i] = role
                titles[i] = IC_LEVEL_PREFIX[int(level[i])] + role
        return roles, titles

    def _exit_reasons(self, n_active: int, extra: np.ndarray) -> tuple[list[str | None], list[bool | None]]:
        rng = self.rng
        n = len(extra)
        reason = rng.choice(EXIT_REASONS, n, p=EXIT_REASON_WEIGHTS).astype(object)
        reason[extra] = "voluntary"
        share = np.where(extra, BURNOUT_REGRETTED_SHARE, BASE_REGRETTED_SHARE)
        regretted = (reason == "voluntary") & (rng.random(n) < share)
        return [None] * n_active + reason.tolist(), [None] * n_active + regretted.tolist()

    def _moves(
        self,
        unit: np.ndarray,
        dept: np.ndarray,
        level: np.ndarray,
        role: list[str],
        title: list[str],
        hire: np.ndarray,
        exit_: np.ndarray,
        is_manager: np.ndarray,
        team_units: np.ndarray,
        team_dept: np.ndarray,
        trust_team: int,
    ) -> tuple[list[str | None], np.ndarray, np.ndarray, list[str | None], np.ndarray]:
        """Promotions, transfers (which change a person's manager) and lateral role changes in the window.

        Transfers never touch the story units, so their signals stay clean."""
        rng, tl = self.rng, self.timeline
        size = len(unit)
        draw = rng.random(size)
        cumulative = np.cumsum(MOVE_PROBABILITIES)
        kind_code = np.searchsorted(cumulative, draw, side="right")
        story_unit = (dept == self.burnout) | (unit == trust_team)
        eligible = (~is_manager) & (exit_ == NEVER) & (hire < -200)
        kind_code[~eligible] = len(MOVE_KINDS)
        kind_code[(kind_code == 0) & (level < 2)] = len(MOVE_KINDS)
        kind_code[(kind_code == 1) & story_unit] = len(MOVE_KINDS)
        start = np.maximum(tl.window_start, hire + 90)
        day = np.where(
            kind_code < len(MOVE_KINDS), start + (rng.random(size) * (-7 - start)).astype(int), NEVER
        )
        donors = team_units[(team_dept != self.burnout) & (team_units != trust_team)]
        pick = rng.choice(donors, size)
        clash = pick == unit
        pick[clash] = donors[(np.searchsorted(donors, pick[clash]) + 1) % len(donors)]
        from_unit = np.where(kind_code == 1, pick, unit)
        from_level = np.where(kind_code == 0, level - 1, level)
        kinds: list[str | None] = []
        from_title: list[str | None] = []
        for i, k in enumerate(kind_code.tolist()):
            if k == len(MOVE_KINDS):
                kinds.append(None)
                from_title.append(None)
                continue
            kinds.append(MOVE_KINDS[k])
            if k == 0:
                from_title.append(IC_LEVEL_PREFIX[int(from_level[i])] + role[i])
            elif k == 2:
                others = [r for r in DEPARTMENTS[int(dept[i])].roles if r != role[i]]
                from_title.append(IC_LEVEL_PREFIX[int(level[i])] + str(rng.choice(others)))
            else:
                from_title.append(title[i])
        return kinds, day, from_unit, from_title, from_level

    def _last_promotions(
        self, hire: np.ndarray, exit_: np.ndarray, kinds: list[str | None], day: np.ndarray
    ) -> np.ndarray:
        rng, tl = self.rng, self.timeline
        size = len(hire)
        end = np.minimum(tl.window_start, exit_)
        earlier = hire + 365 + (rng.random(size) * np.maximum(end - hire - 365, 0)).astype(int)
        had_one = (hire < end - 365) & (rng.random(size) < 0.55)
        last = np.where(had_one, earlier, NEVER)
        promoted = np.array([k == "promotion" for k in kinds])
        return np.where(promoted, day, last)

    def _names(self, size: int) -> tuple[list[str], list[str]]:
        rng = self.rng
        first = rng.choice(FIRST_NAMES, size)
        last = rng.choice(LAST_NAMES, size)
        names = [f"{f} {s}" for f, s in zip(first.tolist(), last.tolist(), strict=True)]
        seen: Counter[str] = Counter()
        emails = []
        for f, s in zip(first.tolist(), last.tolist(), strict=True):
            local = f"{f}.{s}".lower()
            seen[local] += 1
            suffix = "" if seen[local] == 1 else str(seen[local])
            emails.append(f"{local}{suffix}@{EMAIL_DOMAIN}")
        return names, emails


def _stratified(
    rng: np.random.Generator, strata: np.ndarray, categories: tuple[tuple[str, float], ...]
) -> list[str]:
    """Assign a protected attribute in the same proportions inside every stratum (department x
    left or stayed), so no outcome in the demo can depend on it, even by chance."""
    labels = np.array([c for c, _ in categories], dtype=object)
    cumulative = np.cumsum([p for _, p in categories])
    cumulative[-1] = 1.0
    out = np.empty(len(strata), dtype=object)
    order = rng.permutation(len(strata))
    for stratum in np.unique(strata):
        members = order[strata[order] == stratum]
        u = (np.arange(len(members)) * GOLDEN + rng.random()) % 1.0
        out[members] = labels[np.searchsorted(cumulative, u, side="right")]
    return out.tolist()
