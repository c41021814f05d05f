"""Well-being balance: is a team's efficiency rising because it works at a pace it cannot sustain?

Per team, the latest quarter against the same quarter a year earlier (holidays and seasonal leave
then cancel out; without a year of history, against the quarter before):
- efficiency index: output per contracted hour, i.e. output over a standard week less time off.
  This is the figure a dashboard would celebrate, and the one that rises when people work longer;
  output per hour actually worked is shown next to it, so a reader sees where a gain comes from.
- stress markers: after-hours share of hours worked, meeting share of hours worked, the time-off
  deficit against the organisation in the same weeks, and the sentiment of comments on burnout
  (the team's when at least k_comments people wrote, otherwise its department's).
Each marker's change is divided by the change this analysis treats as material (capped at
`MARKER_CAP` units, and a small team's time off shrunk toward the organisation's, so noise in one
marker cannot flag a team alone), and the stress index is their mean: 1 means "a material rise on
average". Both periods are read in one call, so both come from one anonymity decision.
A team whose efficiency rose by at least `EFFICIENCY_RISE` while its stress index reached
`STRESS_RISE` gets a rebalance-workload recommendation for the whole team, never naming a person.
Teams with fewer than k people are hidden, with the reason in their place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.insights.recommendations import Proposal, propose
from peoplealign.policy import snapshots
from peoplealign.policy.aggregates import Report
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.gateway import PersonalData, ThemeVoice
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.store.models import ActivityWeek

MODEL_VERSION = "wellbeing-balance/1"
WELLBEING_PURPOSE = "wellbeing"
LISTENING_PURPOSE = "listening"
BURNOUT_THEME = "Burnout Risk & Workload"
STANDARD_WEEK_HOURS = 40.0
WINDOW_WEEKS = 13
EFFICIENCY_RISE = 0.03
STRESS_RISE = 1.0
# What counts as one material unit of change per marker: two points of hours after hours or in
# meetings, a quarter of the organisation's usual time off not taken, a fifth of the sentiment scale.
MATERIAL_CHANGE = {
    "after_hours_share": 0.02,
    "meeting_share": 0.02,
    "pto_deficit": 0.25,
    "burnout_sentiment_drop": 0.2,
}
PTO_PRIOR_WEEKS = 100.0
# No marker counts for more than this many material units, so one noisy marker (time off in a small
# team) cannot make a team look strained on its own.
MARKER_CAP = 3.0
RISKY = "efficiency up, stress up"
QUADRANTS = (
    RISKY,
    "efficiency up, stress down",
    "efficiency down, stress up",
    "efficiency down, stress down",
)


@dataclass(frozen=True)
class Windows:
    recent: tuple[dt.date, dt.date]
    baseline: tuple[dt.date, dt.date]
    baseline_kind: str  # "same quarter a year earlier" | "previous quarter"

    def as_dict(self) -> dict[str, Any]:
        return {
            "recent": [d.isoformat() for d in self.recent],
            "baseline": [d.isoformat() for d in self.baseline],
            "baseline_kind": self.baseline_kind,
        }


@dataclass(frozen=True)
class TeamBalance:
    team: str
    team_id: int | None
    n: int | None
    suppressed: bool
    reason: str | None = None
    efficiency_change: float | None = None
    output_per_hour_worked_change: float | None = None
    markers: dict[str, float] = field(default_factory=dict)  # change per marker, in its own unit
    burnout_level: str | None = None  # team | department, where the sentiment came from
    stress_index: float | None = None
    quadrant: str | None = None
    flagged: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def explanation(self, windows: Windows) -> str:
        marker_text = {
            "after_hours_share": "after-hours share of hours {:+.1f} points",
            "meeting_share": "meeting share of hours {:+.1f} points",
            "pto_deficit": "time off not taken, against the organisation, {:+.0f} points",
            "burnout_sentiment_drop": "burnout-comment sentiment down {:+.2f}",
        }
        scale = {"burnout_sentiment_drop": 1.0}
        changes = ", ".join(marker_text[k].format(v * scale.get(k, 100.0)) for k, v in self.markers.items())
        return (
            f"In {self.team} ({self.n} people), output per contracted hour changed by "
            f"{self.efficiency_change:+.1%} from {windows.baseline_kind} to the latest {WINDOW_WEEKS} weeks, "
            f"while output per hour actually worked changed by {self.output_per_hour_worked_change:+.1%}: "
            f"the gain comes with {changes} (stress index {self.stress_index:.1f}, where 1 is a material "
            "rise). Consider rebalancing the team's workload with its manager before it shows up as "
            "burnout or departures. This is about the team's workload, not any one person."
        )


@dataclass(frozen=True)
class WellbeingReport:
    as_of: dt.date
    k: int
    windows: Windows
    teams: list[TeamBalance]
    notes: list[str]
    model_version: str = MODEL_VERSION

    @property
    def flagged(self) -> list[TeamBalance]:
        return [t for t in self.teams if t.flagged]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "k": self.k,
            "windows": self.windows.as_dict(),
            "thresholds": {
                "efficiency_rise": EFFICIENCY_RISE,
                "stress_rise": STRESS_RISE,
                "material_change": MATERIAL_CHANGE,
            },
            "model_version": self.model_version,
            "notes": self.notes,
            "teams": [t.as_dict() for t in self.teams],
        }


def choose_windows(reader: PersonalData, as_of: dt.date) -> Windows:
    """The latest complete quarter of weeks, and a year earlier when the data reaches back that far."""
    end = as_of - dt.timedelta(days=as_of.weekday())
    recent = (end - dt.timedelta(weeks=WINDOW_WEEKS), end)
    earliest = reader.session.scalar(select(func.min(ActivityWeek.week_start)))
    year_ago = (recent[0] - dt.timedelta(weeks=52), recent[1] - dt.timedelta(weeks=52))
    if earliest is not None and earliest <= year_ago[0]:
        return Windows(recent, year_ago, "the same quarter a year earlier")
    return Windows(recent, (recent[0] - dt.timedelta(weeks=WINDOW_WEEKS), recent[0]), "the previous quarter")


def wellbeing_balance(reader: WorkforceData, as_of: dt.date | None = None) -> WellbeingReport:
    """Every team the reader may see, flagged teams first; hidden teams keep their reason."""
    day = as_of or dt.date.today()
    windows = choose_windows(reader, day)
    recent, baseline = reader.activity_cells((windows.recent, windows.baseline), by=("org_unit",))
    org_recent, org_baseline = reader.activity_cells((windows.recent, windows.baseline))
    notes: list[str] = []
    burnout = _burnout_drop(reader, notes)
    # The reads above are authorised and audited on every call; the per-team arithmetic on what they
    # released (hundreds of teams) is shared by every call that was released the same figures.
    released = tuple(_released(r) for r in (recent, baseline, org_recent, org_baseline))
    teams = snapshots.cached(
        reader.session,
        ("wellbeing_teams", released, tuple(sorted(burnout.items()))),
        lambda: _teams(reader.session, recent, baseline, org_recent, org_baseline, burnout),
    )
    return WellbeingReport(day, reader.charter.k_aggregate, windows, list(teams), notes)


def _released(reports: dict[str, Report]) -> tuple[object, ...]:
    """Everything of a window's reports that `_teams` reads, as a cache key (NaN, unequal to itself,
    spelled out so that equal figures make equal keys)."""
    return tuple(
        (
            name,
            tuple(
                (
                    c.group.get("org_unit"),
                    c.n,
                    "nan" if c.value != c.value else c.value,
                    c.suppressed,
                    c.reason,
                )
                for c in r.cells
            ),
        )
        for name, r in sorted(reports.items())
    )


def _teams(
    session: Session,
    recent: dict[str, Report],
    baseline: dict[str, Report],
    org_recent: dict[str, Report],
    org_baseline: dict[str, Report],
    burnout: dict[tuple[str, str], tuple[float, str]],
) -> tuple[TeamBalance, ...]:
    """Each released team's efficiency and stress markers, flagged teams first."""
    tree = snapshots.unit_tree(session)
    ids = {label: uid for uid, label in tree.labels.items()}
    teams = []
    for i, cell in enumerate(recent["hours"].cells):
        label = str(cell.group.get("org_unit"))
        unit_id = ids.get(label)
        if cell.suppressed:
            teams.append(TeamBalance(label, unit_id, None, True, cell.reason))
            continue
        if not recent["person_weeks"].cells[i].value or not baseline["person_weeks"].cells[i].value:
            teams.append(
                TeamBalance(label, unit_id, cell.n, True, "no work patterns in one of the two periods")
            )
            continue
        now = _rates(recent, i, _pto_per_week(org_recent))
        then = _rates(baseline, i, _pto_per_week(org_baseline))
        markers = {
            key: round(now[key] - then[key], 4)
            for key in ("after_hours_share", "meeting_share", "pto_deficit")
        }
        found = burnout.get(("org_unit", label)) or burnout.get(
            ("department", tree.department_label(unit_id) or "")
        )
        level = found[1] if found else None
        if found is not None:
            markers["burnout_sentiment_drop"] = round(found[0], 3)
        stress = sum(_capped(v / MATERIAL_CHANGE[k]) for k, v in markers.items()) / len(markers)
        efficiency = now["efficiency"] / then["efficiency"] - 1 if then["efficiency"] else 0.0
        worked = now["output_per_hour"] / then["output_per_hour"] - 1 if then["output_per_hour"] else 0.0
        teams.append(
            TeamBalance(
                label,
                unit_id,
                cell.n,
                False,
                efficiency_change=round(efficiency, 4),
                output_per_hour_worked_change=round(worked, 4),
                markers=markers,
                burnout_level=level,
                stress_index=round(stress, 2),
                quadrant=QUADRANTS[(efficiency <= 0) * 2 + (stress <= 0)],
                flagged=efficiency >= EFFICIENCY_RISE and stress >= STRESS_RISE,
            )
        )
    teams.sort(key=lambda t: (t.suppressed, not t.flagged, -(t.stress_index or 0.0), t.team))
    return tuple(teams)


def recommend_rebalancing(reader: WorkforceData, report: WellbeingReport) -> list[int]:
    """A team-level rebalance recommendation per flagged team (idempotent per team)."""
    proposals = [
        Proposal(
            kind="rebalance",
            key=f"rebalance:{team.team_id}",
            title=f"Rebalance workload: {team.team}",
            explanation=team.explanation(report.windows),
            evidence={
                **team.as_dict(),
                "windows": report.windows.as_dict(),
                "as_of": report.as_of.isoformat(),
                "k": report.k,
            },
            model_version=report.model_version,
            org_unit_id=team.team_id,
        )
        for team in report.flagged
    ]
    return [row.id for row in propose(reader.session, reader.actor, proposals)]


def _capped(units: float) -> float:
    return max(-MARKER_CAP, min(MARKER_CAP, units))


def _pto_per_week(org: dict[str, Report]) -> float:
    cells = org["pto_hours"].cells
    weeks = org["person_weeks"].cells
    if not cells or cells[0].value is None or not weeks or not weeks[0].value:
        return 0.0
    return cells[0].value / weeks[0].value


def _rates(reports: dict[str, Report], i: int, org_pto_per_week: float) -> dict[str, float]:
    value = {name: float(report.cells[i].value or 0.0) for name, report in reports.items()}
    hours = value["hours"] or 1.0
    contracted = max(STANDARD_WEEK_HOURS * value["person_weeks"] - value["pto_hours"], 1.0)
    # Time off comes in days and weeks, so a small team's quarter says little on its own: its rate is
    # shrunk toward the organisation's as if it had PTO_PRIOR_WEEKS more weeks at the usual rate.
    pto = (value["pto_hours"] + PTO_PRIOR_WEEKS * org_pto_per_week) / (
        value["person_weeks"] + PTO_PRIOR_WEEKS
    )
    return {
        "efficiency": value["output"] / contracted,
        "output_per_hour": value["output"] / hours,
        "after_hours_share": value["after_hours"] / hours,
        "meeting_share": value["meeting_hours"] / hours,
        "pto_deficit": 1.0 - pto / org_pto_per_week if org_pto_per_week else 0.0,
    }


def _burnout_drop(reader: WorkforceData, notes: list[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """Fall in burnout-comment sentiment from the previous survey to the latest, per released team
    and department cell. Read for the listening purpose, under the comment threshold k_comments."""
    listening = PersonalData(reader.session, reader.actor, LISTENING_PURPOSE, reader.charter)
    try:
        latest = listening.survey()
        previous = listening.previous_survey(latest)
        if previous is None:
            notes.append("Burnout-comment sentiment needs two survey cycles; only one exists.")
            return {}
        found: dict[tuple[str, str], tuple[float, str]] = {}
        for dim, level in (("department", "department"), ("org_unit", "team")):
            now = _voices(listening.comment_theme_cells((dim,), latest.id), dim)
            then = _voices(listening.comment_theme_cells((dim,), previous.id), dim)
            for group, sentiment in now.items():
                if group in then:
                    found[(dim, group)] = (then[group] - sentiment, level)
    except PolicyDenied as denied:
        notes.append(f"Burnout-comment sentiment is not used: {denied.decision.reason}.")
        return {}
    except NotFoundError:
        notes.append("There are no surveys yet: burnout-comment sentiment is not used.")
        return {}
    if not found:
        notes.append(
            "No team or department had enough people writing about burnout in both of the last two surveys "
            "(k_comments): that marker is not used."
        )
    return found


def _voices(cells: dict[str, list[ThemeVoice]], dim: str) -> dict[str, float]:
    return {
        str(v.group.get(dim)): v.sentiment
        for v in cells.get(BURNOUT_THEME, [])
        if not v.suppressed and v.sentiment is not None
    }
