"""Anomaly flags on each team's weekly work patterns, and the context requests they raise.

The method (model version `MODEL_VERSION`), per team and signal, on weeks with at least k people:

1. Seasonality comes from the organisation, not from the team's own past: holidays and quarter
   ends hit every team in the same week, so the team's deviation from the organisation-wide mean of
   that very week removes them without needing years of history. (STL with a yearly period needs
   several years of weekly data; on two years it fits each week from two points and swallows a
   one-off spike into the seasonal component, which is exactly what must be found.)
2. The deviation is standardised by its sampling error that week (organisation-wide spread over
   the square root of the team size), so small teams and holiday weeks are not flagged for noise.
3. The team's own slow changes (a rising workload is a trend, not an event) are removed with a
   running median; the rest is turned into a robust z-score (median and MAD, never below the
   sampling error itself).
4. A week is flagged when |z| >= `z_threshold`, the change is at least `min_effect` of the
   signal's usual organisation-wide level, and the team's median moved the same way by at least
   half that: the change is carried by the team, never by one person's unusual week.

A team is judged only on the weeks the anonymity decision releases: in weeks where it is hidden
(below k, or so that its department's total minus its other teams cannot reveal a small group), an
event in it cannot be flagged. Its department is not watched instead: a one-team event barely
moves a department's median, and a department-wide one shows in each of its released teams.

Time off (`pto_hours`) is not watched by default: a team's unusual time-off week is nearly always
a few people's holidays, and asking their manager to explain it would single them out.

Every flag is stored once per (signal, unit, week) in `anomaly` and becomes a context request for
the unit's accountable manager (see `policy.team_context`); re-running changes nothing that is
already there, and a flag a human has explained stays explained.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from peoplealign.errors import InvalidInputError
from peoplealign.metrics.library import SIGNALS, WeeklySeries, weekly_signals
from peoplealign.policy import audit
from peoplealign.policy.engine import Action, Decision, deny
from peoplealign.policy.metric_access import METRIC_PURPOSE, MetricData, Tables
from peoplealign.policy.scope import Scope
from peoplealign.policy.team_context import RESOURCE, addressees, readable_units, unit_names
from peoplealign.store.models import Anomaly

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.metrics.annotations import AnnotationView
    from peoplealign.policy.actor import Actor
    from peoplealign.policy.charter_document import CharterDocument

MODEL_VERSION = "anomaly-robust-z-1"
ALL_SIGNALS = "*"  # an annotation about the team's whole work pattern, not one signal
WATCHED: tuple[str, ...] = ("hours", "after_hours", "meeting_hours", "output")
WATCHABLE: tuple[str, ...] = (*WATCHED, "pto_hours")
STATUSES = ("open", "explained", "dismissed")
DETECT_ACTION = "detect_anomalies"
COLUMNS = ["mean", "median", "sd", "n"]


@dataclass(frozen=True)
class DetectionSettings:
    z_threshold: float = 6.0
    min_effect: float = 0.3  # share of the signal's usual organisation-wide level
    lookback_weeks: int = 52  # only recent weeks raise context requests
    min_history_weeks: int = 26  # released weeks a team needs before it is judged at all
    trend_weeks: int = 9  # running-median window for the team's own slow changes

    def __post_init__(self) -> None:
        if self.z_threshold <= 0 or self.min_effect < 0:
            raise InvalidInputError("the z threshold must be positive and the minimum effect not negative")
        if self.lookback_weeks < 1 or self.min_history_weeks < 3 or self.trend_weeks < 3:
            raise InvalidInputError("lookback >= 1, history >= 3 and trend window >= 3 weeks")


@dataclass(frozen=True)
class Window:
    """A unit's annotated time window (unit-level context, no personal data): what detection and
    coaching rules leave out or treat as explained."""

    org_unit_id: int
    signal: str  # a watched signal, or ALL_SIGNALS
    start: dt.date
    end: dt.date
    exclude_from_models: bool

    def covers_signal(self, signal: str) -> bool:
        return self.signal in (signal, ALL_SIGNALS)

    def covers(self, unit_id: int, signal: str, day: dt.date) -> bool:
        return unit_id == self.org_unit_id and self.covers_signal(signal) and self.start <= day <= self.end


@dataclass(frozen=True)
class Flag:
    """One flagged team-week, with the numbers that explain it."""

    signal: str
    org_unit_id: int
    week_start: dt.date
    value: float  # the team's mean that week
    expected: float  # what the team's usual gap to the organisation would have given
    z: float
    effect: float  # (value - expected) / the signal's usual organisation-wide level
    n: int


@dataclass(frozen=True)
class SignalWeeks:
    """Released weekly statistics of one signal: per (unit, week) mean, median and n; per week the
    organisation's mean, median and standard deviation."""

    team: pd.DataFrame  # index (org_unit_id, week_start); columns mean, median, sd, n
    organisation: pd.DataFrame  # index week_start; columns mean, median, sd, n


def rest_of_organisation(team: pd.DataFrame, organisation: pd.DataFrame) -> pd.DataFrame:
    """Everyone but the team, per week (mean, sd, n from the two sets of moments): a big team's
    own spike must not move the reference it is compared with."""
    org = organisation.reindex(team.index)
    n = org["n"] - team["n"]
    total = org["n"] * org["mean"] - team["n"] * team["mean"]
    squares = (org["n"] - 1) * org["sd"] ** 2 + org["n"] * org["mean"] ** 2
    squares -= (team["n"] - 1) * team["sd"].fillna(0.0) ** 2 + team["n"] * team["mean"] ** 2
    mean = total / n
    variance = (squares - n * mean**2) / (n - 1)
    usable = n >= 2
    return pd.DataFrame(
        {
            "mean": mean.where(usable),
            "sd": variance.clip(lower=0.0).pow(0.5).where(usable),
            "n": n.where(usable),
            "median": org["median"],
        }
    )


def _robust(series: pd.Series, window: int) -> pd.Series:
    """Minus the running median (the team's own slow changes), centred on the median."""
    rest = series - series.rolling(window, center=True, min_periods=3).median()
    return rest - rest.median()


def detect_team(
    signal: str,
    unit_id: int,
    team: pd.DataFrame,
    organisation: pd.DataFrame,
    settings: DetectionSettings,
    since: dt.date,
) -> list[Flag]:
    """Flags for one team's series (`team`: week-indexed mean, median, sd, n; weeks below k absent)."""
    if len(team) < settings.min_history_weeks:
        return []
    ref = rest_of_organisation(team, organisation)
    level = float(organisation["mean"].abs().median()) or 1.0
    gap = team["mean"] - ref["mean"]
    noise = ref["sd"] * np.sqrt(1.0 / team["n"] + 1.0 / ref["n"])
    standardised = gap / noise.replace(0.0, np.nan)
    rest = _robust(standardised.dropna(), settings.trend_weeks)
    scale = max(1.4826 * float(rest.abs().median()), 1.0)
    z = rest / scale
    effect = _robust(gap, settings.trend_weeks).reindex(z.index) / level
    median_shift = _robust(team["median"] - ref["median"], settings.trend_weeks).reindex(z.index) / level
    recent = pd.Series([pd.Timestamp(w) >= pd.Timestamp(since) for w in z.index], index=z.index)
    hit = (
        (z.abs() >= settings.z_threshold)
        & (effect.abs() >= settings.min_effect)
        & (median_shift * np.sign(effect) >= settings.min_effect / 2)
        & recent
    )
    means, sizes = team["mean"].astype(float), team["n"].astype(int)
    return [
        Flag(
            signal,
            unit_id,
            _as_date(week),
            round(float(means[week]), 2),
            round(float(means[week]) - float(effect[week]) * level, 2),
            round(float(z[week]), 1),
            round(float(effect[week]), 3),
            int(sizes[week]),
        )
        for week in z.index[hit.to_numpy()]
    ]


@dataclass(frozen=True)
class TeamWeeks:
    signals: dict[str, SignalWeeks]
    units: frozenset[int]  # every unit with work-pattern data, released or not


def read_team_weeks(session: Session, actor: Actor, signals: Sequence[str]) -> TeamWeeks:
    """Two policy-layer reads (purpose metric_computation): every unit-week cell released to the
    actor, and the organisation's total per week. Only the cells' statistics leave the read."""
    data = MetricData(session, actor, METRIC_PURPOSE)
    found: list[dict[str, float]] = []

    def summarise(tables: Tables) -> float:
        rows = tables["activity"]
        values = rows[list(signals)].to_numpy(dtype=float)  # one array: pandas per-column calls cost 5x
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a signal nobody recorded is NaN, not an error
            columns = {
                "mean": np.nanmean(values, axis=0),
                "median": np.nanmedian(values, axis=0),
                "sd": np.nanstd(values, axis=0, ddof=1),
            }
        stats = {"n": float(len(rows))}
        for i, s in enumerate(signals):
            for name, column in columns.items():
                stats[f"{s}:{name}"] = float(column[i])
        found.append(stats)
        return float(len(found) - 1)  # where this cell's statistics are: its released "value"

    units = data.activity_weekly(summarise, "org_unit", label="anomaly_detection")
    totals = data.activity_weekly(summarise, "", label="anomaly_reference")
    team_rows = [
        {"org_unit_id": cell.unit_id, "week_start": week, **found[int(cell.value)]}
        for week, report in units.items()
        for cell in report.cells
        if not cell.suppressed and cell.value is not None and cell.unit_id is not None
    ]
    org_rows = [
        {"week_start": week, **found[int(cell.value)]}
        for week, report in totals.items()
        for cell in report.cells
        if not cell.suppressed and cell.value is not None
    ]
    seen = frozenset(c.unit_id for r in units.values() for c in r.cells if c.unit_id is not None)
    if not team_rows or not org_rows:
        return TeamWeeks({}, seen)
    team = pd.DataFrame(team_rows).set_index(["org_unit_id", "week_start"]).sort_index()
    organisation = pd.DataFrame(org_rows).set_index("week_start").sort_index()
    per_signal = {
        s: SignalWeeks(
            team[[f"{s}:mean", f"{s}:median", f"{s}:sd", "n"]].set_axis(COLUMNS, axis=1),
            organisation[[f"{s}:mean", f"{s}:median", f"{s}:sd", "n"]].set_axis(COLUMNS, axis=1),
        )
        for s in signals
    }
    return TeamWeeks(per_signal, seen)


@dataclass
class DetectionRun:
    model_version: str
    settings: DetectionSettings
    signals: list[str]
    since: dt.date
    teams_judged: int
    teams_too_small: int
    created: list[int] = field(default_factory=list)
    already_flagged: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "settings": asdict(self.settings),
            "signals": self.signals,
            "since": self.since.isoformat(),
            "teams_judged": self.teams_judged,
            "teams_too_small": self.teams_too_small,
            "created": self.created,
            "already_flagged": self.already_flagged,
        }


def detect_anomalies(
    session: Session,
    actor: Actor,
    *,
    settings: DetectionSettings | None = None,
    signals: Sequence[str] = WATCHED,
    as_of: dt.date | None = None,
    charter: CharterDocument | None = None,
) -> DetectionRun:
    """Flag every team, store new flags and raise a context request for each. Teams are compared
    with the whole organisation, so only organisation-scope roles (and system jobs) run it."""
    from peoplealign.policy.charter import active_charter

    settings = settings or DetectionSettings()
    unknown = sorted(set(signals) - set(WATCHABLE))
    if unknown or not signals:
        raise InvalidInputError(
            f"unknown signal(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(WATCHABLE)}"
        )
    charter = charter or active_charter(session)
    if not actor.is_system and Scope(charter.scope_for(actor.roles)) is not Scope.ORGANISATION:
        deny(
            session,
            actor,
            DETECT_ACTION,
            "activity",
            METRIC_PURPOSE,
            Decision(
                False,
                "detection compares every team with the whole organisation; it runs for "
                "organisation-scope roles",
                "audiences.*.scope",
            ),
        )
    from peoplealign.metrics.annotations import annotation_windows

    weeks = read_team_weeks(session, actor, signals)
    latest = max((_as_date(w) for s in weeks.signals.values() for w in s.organisation.index), default=None)
    since = (as_of or latest or dt.date.today()) - dt.timedelta(weeks=settings.lookback_weeks)
    explained = annotation_windows(session)
    excluded = [w for w in explained if w.exclude_from_models]
    flags, judged = flag_weeks(without_windows(weeks, excluded), settings, since)
    run = DetectionRun(MODEL_VERSION, settings, list(signals), since, len(judged), len(weeks.units - judged))
    _store(session, actor, flags, run, explained)
    return run


def without_windows(weeks: TeamWeeks, windows: Sequence[Window]) -> TeamWeeks:
    """The team-weeks people asked models to leave out, removed: an explained sprint neither
    bends the team's running median nor gets flagged again."""
    if not windows:
        return weeks
    kept = {}
    for signal, data in weeks.signals.items():
        index = data.team.index
        units = index.get_level_values(0).astype(int)
        days = pd.to_datetime(index.get_level_values(1))
        drop = np.zeros(len(index), dtype=bool)
        for window in windows:
            if window.covers_signal(signal):
                drop |= (
                    (units == window.org_unit_id)
                    & (days >= pd.Timestamp(window.start))
                    & (days <= pd.Timestamp(window.end))
                )
        kept[signal] = SignalWeeks(data.team[~drop], data.organisation)
    return TeamWeeks(kept, weeks.units)


def flag_weeks(weeks: TeamWeeks, settings: DetectionSettings, since: dt.date) -> tuple[list[Flag], set[int]]:
    """Every team's flags, and the teams with enough released history to be judged at all."""
    flags: list[Flag] = []
    judged: set[int] = set()
    for signal, data in weeks.signals.items():
        units = data.team.index.get_level_values(0)
        for unit_id in sorted({int(u) for u in units}):
            series = data.team[units == unit_id].droplevel(0)
            if len(series) >= settings.min_history_weeks:
                judged.add(unit_id)
            flags.extend(detect_team(signal, unit_id, series, data.organisation, settings, since))
    return flags, judged


def _store(
    session: Session, actor: Actor, flags: list[Flag], run: DetectionRun, explained: Sequence[Window]
) -> None:
    """New flags inside a window people already explained are stored as explained: the context
    is there, nobody is asked again."""
    existing = {
        (a.metric_key, a.org_unit_id, a.week_start): a
        for a in session.scalars(select(Anomaly).where(Anomaly.metric_key.in_(run.signals)))
    }
    new: list[Anomaly] = []
    for flag in flags:
        found = existing.get((flag.signal, flag.org_unit_id, flag.week_start))
        if found is not None:
            run.already_flagged.append(found.id)
            continue
        known = any(w.covers(flag.org_unit_id, flag.signal, flag.week_start) for w in explained)
        row = Anomaly(
            metric_key=flag.signal,
            org_unit_id=flag.org_unit_id,
            week_start=flag.week_start,
            value=flag.value,
            score=flag.z,
            method=MODEL_VERSION,
            status="explained" if known else "open",
        )
        session.add(row)
        new.append(row)
    session.flush()
    run.created = [row.id for row in new]
    asked = [row for row in new if row.status == "open"]
    names = unit_names(session, {row.org_unit_id for row in asked})
    to = addressees(session, {row.org_unit_id for row in asked})
    for row in asked:
        audit.record(
            session,
            actor,
            "request_context",
            RESOURCE,
            subject=names[row.org_unit_id][0],
            purpose=METRIC_PURPOSE,
            outcome="changed",
            detail={
                "anomaly": row.id,
                "signal": row.metric_key,
                "week_start": row.week_start.isoformat(),
                "addressee_users": to.get(row.org_unit_id, []),
            },
        )
    audit.record(
        session,
        actor,
        DETECT_ACTION,
        "activity",
        purpose=METRIC_PURPOSE,
        outcome="changed",
        detail={k: v for k, v in run.as_dict().items() if k != "already_flagged"}
        | {"already_flagged": len(run.already_flagged)},
    )


# --- reading flags ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnomalyView:
    id: int
    signal: str
    label: str
    org_unit_id: int
    unit_code: str
    unit_name: str
    week_start: dt.date
    value: float
    score: float
    status: str
    model_version: str

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def explanation(self) -> str:
        direction = "above" if self.score > 0 else "below"
        return (
            f"{self.label} in {self.unit_name} was {self.value:g} in the week of "
            f"{self.week_start:%d %b %Y}, far {direction} the team's usual pattern once what the whole "
            f"organisation did that week is taken out (robust z = {self.score:g}). The data cannot say "
            "why: the team's manager is asked for the context."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in asdict(self).items()},
            "week_start": self.week_start.isoformat(),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Episode:
    """Flags of one team in consecutive weeks: one event to explain, whatever signals it moved."""

    flags: tuple[AnomalyView, ...]

    @property
    def unit_name(self) -> str:
        return self.flags[0].unit_name

    @property
    def start(self) -> dt.date:
        return min(f.week_start for f in self.flags)

    @property
    def end(self) -> dt.date:
        return max(f.week_end for f in self.flags)

    @property
    def first(self) -> AnomalyView:
        return min(self.flags, key=lambda f: (f.week_start, f.id))


def episodes(flags: Sequence[AnomalyView]) -> list[Episode]:
    """Group a team's flags whose weeks follow each other (a two-week sprint is one request, not
    four), newest episode first."""
    found: list[list[AnomalyView]] = []
    for flag in sorted(flags, key=lambda f: (f.org_unit_id, f.week_start, f.id)):
        last = found[-1] if found else None
        if (
            last
            and last[-1].org_unit_id == flag.org_unit_id
            and flag.week_start <= max(f.week_end for f in last) + dt.timedelta(days=1)
        ):
            last.append(flag)
        else:
            found.append([flag])
    return sorted((Episode(tuple(group)) for group in found), key=lambda e: e.start, reverse=True)


@dataclass(frozen=True)
class EpisodeChart:
    """One signal of one episode: the team's weekly series around it, its flagged weeks, and the
    context people added in that stretch (what the context page draws)."""

    episode: Episode
    signal: str
    label: str
    series: WeeklySeries  # the actor's released cells only
    flagged: tuple[tuple[int, dt.date], ...]
    notes: tuple[AnnotationView, ...]


def episode_charts(
    session: Session,
    actor: Actor,
    found: Sequence[Episode],
    *,
    margin_weeks: int = 12,
    charter: CharterDocument | None = None,
) -> list[EpisodeChart]:
    """The series behind each episode, read through the policy layer as the actor (one weekly read
    of every signal over the stretch the episodes need, one audited read of annotations), with
    `margin_weeks` of the team's usual course on either side of the flags."""
    from peoplealign.metrics.annotations import annotations_in

    if not found:
        return []
    margin = dt.timedelta(weeks=margin_weeks)
    start, end = min(e.start for e in found) - margin, max(e.end for e in found) + margin
    signals = sorted({f.signal for e in found for f in e.flags})
    series = weekly_signals(session, actor, signals, start=start, end=end)
    units = {f.org_unit_id for e in found for f in e.flags}
    notes = annotations_in(session, actor, units, signals, start=start, end=end, charter=charter)
    charts = []
    for episode in found:
        unit = episode.first.org_unit_id
        low, high = episode.start - margin, episode.end + margin
        for signal in sorted({f.signal for f in episode.flags}):
            chart = series[signal]
            weeks = [w for w in chart.values.columns if low <= _as_date(w) <= high]
            shown = replace(chart, values=chart.values[weeks], counts=chart.counts[weeks])
            charts.append(
                EpisodeChart(
                    episode,
                    signal,
                    SIGNALS[signal][0],
                    shown,
                    tuple((unit, f.week_start) for f in episode.flags if f.signal == signal),
                    tuple(
                        n
                        for n in notes.get(unit, [])
                        if n.metric_key in (signal, ALL_SIGNALS)
                        and n.start_date <= high
                        and n.end_date >= low
                    ),
                )
            )
    return charts


def list_anomalies(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    unit_id: int | None = None,
    charter: CharterDocument | None = None,
) -> list[AnomalyView]:
    """Flags of the units the actor may read (a manager: the units they answer for), newest first;
    reading them is an audited read of activity aggregates."""
    from peoplealign.policy.charter import active_charter

    if status is not None and status not in STATUSES:
        raise InvalidInputError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    charter = charter or active_charter(session)
    units = readable_units(session, charter, actor, METRIC_PURPOSE)
    query = select(Anomaly).order_by(Anomaly.week_start.desc(), Anomaly.id.desc())
    if units is not None:
        query = query.where(Anomaly.org_unit_id.in_(sorted(units)))
    if status is not None:
        query = query.where(Anomaly.status == status)
    if unit_id is not None:
        query = query.where(Anomaly.org_unit_id == unit_id)
    rows = list(session.scalars(query))
    names = unit_names(session, {r.org_unit_id for r in rows})
    audit.record(
        session,
        actor,
        Action.READ_AGGREGATE.value,
        "activity",
        purpose=METRIC_PURPOSE,
        detail={"anomalies": len(rows), "status": status, "scope": "all" if units is None else len(units)},
    )
    return [view(row, names[row.org_unit_id]) for row in rows]


def view(row: Anomaly, names: tuple[str, str]) -> AnomalyView:
    return AnomalyView(
        row.id,
        row.metric_key,
        SIGNALS[row.metric_key][0] if row.metric_key in SIGNALS else row.metric_key,
        row.org_unit_id,
        names[0],
        names[1],
        row.week_start,
        row.value,
        row.score,
        row.status,
        row.method,
    )


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()
