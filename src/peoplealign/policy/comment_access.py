"""Comment texts for listening analyses, and the only ways their results leave: cells and quotes.

Theme drill-downs and emerging topics must read redacted texts themselves (to cluster sentences, to
pick a representative quote), which no aggregate query can do for them. So this companion of
`PersonalData` hands a service one survey's texts under opaque writer keys, without person or unit,
after the charter allowed the read for the actor and purpose; what the service derives reaches
people only through the corpus:

- `cells`: figures per cell of a breakdown from the one anonymity decision over the comments'
  writers, k_comments-suppressed and protected against differencing, within the actor's scope;
- `quotes`: verbatim (already redacted) text only from writers whose org unit had at least
  k_comments people when the survey opened, the privacy default "quotes only from groups of at least
  k_comments", and each quote released is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from peoplealign.policy import audit, snapshots
from peoplealign.policy.aggregates import Audience, Report, build_report
from peoplealign.policy.anonymity import Member, canonical_dims
from peoplealign.policy.engine import Action, Decision, deny
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.population import dimensions, load_person_facts, load_unit_tree
from peoplealign.policy.scope import Scope
from peoplealign.store.models import Comment, CommentTheme, Person, Survey

RESOURCE = "comments"


@dataclass(frozen=True)
class CorpusComment:
    """One comment as an analysis sees it: who wrote it is an opaque key, where is not said."""

    id: int
    writer: str
    text: str
    sentiment: float | None
    themes: Mapping[str, float]  # theme -> the theme's sentiment in this comment


@dataclass(frozen=True)
class QuoteRequest:
    """One caller's ask for quotes: candidates in order of preference, how many, what for (audited)
    and, for a drill-down, the released cell's writers."""

    candidates: Iterable[tuple[int, str]]
    limit: int
    context: Mapping[str, Any]
    within: frozenset[str] | None = None


@dataclass(frozen=True)
class QuoteRelease:
    """The quotes a request may show, and why there are fewer than asked for (if so)."""

    texts: list[str]
    reason: str | None  # set when a candidate was withheld and fewer than asked for are shown

    def as_dict(self) -> dict[str, Any]:
        return {"quotes": self.texts, "reason": self.reason}


class CommentCorpus:
    """One survey's scored comments within the actor's scope, and their release rules."""

    def __init__(
        self,
        reader: PersonalData,
        survey: Survey,
        comments: list[CorpusComment],
        population: list[Member],
        audience: Audience,
        quotable_writers: frozenset[str],
        k: int,
        audience_key: Hashable,
    ) -> None:
        self._reader = reader
        self.survey = survey
        self.comments = comments
        self._population = population
        self._audience = audience
        self._quotable = quotable_writers
        self.k = k
        self.audience_key = audience_key  # what besides the data an analysis of these comments depends on
        self._by_id = {c.id: c for c in comments}

    def authorize(self, by: Sequence[str]) -> None:
        """Refuse (and audit) a breakdown outside the actor's scope: also before an analysis of the
        corpus is taken from a cache, where no `cells` call would check it."""
        detail = {"survey": self.survey.code, "metric": "comment_cells", "by": list(by)}
        self._reader._authorize_aggregate(RESOURCE, by, {}, detail)

    def cells(self, by: Sequence[str], value_of: Callable[[frozenset[str]], float]) -> Report:
        """`value_of(writers)` for every released cell of the breakdown `by` (suppressed cells carry
        no value and say why). The breakdown is checked against the actor's scope first."""
        self.authorize(by)
        return build_report(self._population, self._audience, self.k, by, {}, value_of)

    def group_writers(self, group: Mapping[str, Hashable]) -> frozenset[str] | None:
        """The writers of a released cell (e.g. a drill-down's group); None when it is suppressed."""
        found: list[frozenset[str]] = []

        def capture(members: frozenset[str]) -> float:
            found.append(members)
            return float(len(found) - 1)

        wanted = {d: str(v) for d, v in group.items()}
        for cell in self.cells(canonical_dims(group), capture).cells:
            if {d: str(v) for d, v in cell.group.items()} == wanted:
                return None if cell.suppressed or cell.value is None else found[int(cell.value)]
        return None

    def quotes(
        self,
        candidates: Iterable[tuple[int, str]],
        limit: int,
        context: Mapping[str, Any],
        within: frozenset[str] | None = None,
    ) -> QuoteRelease:
        """Up to `limit` distinct quotes from `candidates` (comment id, a passage of its text), in the
        caller's order of preference. A candidate is withheld when its writer's org unit had fewer
        than k_comments people when the survey opened or it is outside `within` (a released cell's
        writers); a passage that is not the comment's own text, or repeats one chosen (ignoring case),
        is skipped."""
        return self.release_quotes([QuoteRequest(candidates, limit, context, within)])[0]

    def release_quotes(self, requests: Sequence[QuoteRequest]) -> list[QuoteRelease]:
        """`quotes` for several requests at once (a page's topics each ask for a few), audited as one
        read listing every quote released and, per request, its context and quotes."""
        releases, released = [], []
        for request in requests:
            chosen, withheld = self._choose(request)
            if chosen:
                released.append({**request.context, "quotes": [i for i, _ in chosen]})
            short = withheld and len(chosen) < request.limit
            reason = f"quotes only from teams of at least {self.k} people" if short else None
            releases.append(QuoteRelease([p for _, p in chosen], reason))
        if released:
            detail: dict[str, Any] = {
                "survey": self.survey.code,
                "quotes": [i for r in released for i in r["quotes"]],
                "rule": f"writer's org unit had at least {self.k} people",
            }
            if len(released) == 1:
                detail.update(released[0])
            else:
                detail["releases"] = released
            audit.record(
                self._reader.session,
                self._reader.actor,
                Action.READ_AGGREGATE.value,
                RESOURCE,
                purpose=self._reader.purpose,
                detail=detail,
            )
        return releases

    def _choose(self, request: QuoteRequest) -> tuple[list[tuple[int, str]], bool]:
        chosen: list[tuple[int, str]] = []
        seen: set[str] = set()
        withheld = False
        for comment_id, passage in request.candidates:
            if len(chosen) >= request.limit:
                break  # a full release gives no reason, so what follows need not be looked at
            comment = self._by_id.get(comment_id)
            if comment is None or not passage.strip() or passage not in comment.text:
                continue
            if comment.writer not in self._quotable or (
                request.within is not None and comment.writer not in request.within
            ):
                withheld = True
                continue
            if passage.casefold() not in seen:
                seen.add(passage.casefold())
                chosen.append((comment_id, passage))
        return chosen, withheld


def comment_corpus(reader: PersonalData, survey_id: int | str | None = None) -> CommentCorpus:
    """One survey's comments for `reader`'s actor and purpose: refused (and audited) unless the
    charter allows aggregate use of the comments source to an audience wider than oneself (an
    employee's access is the town hall's organisation-wide figures); a manager's corpus holds their
    reporting line's comments only. The read is audited with how many comments it returned."""
    survey = reader.survey(survey_id)
    detail = {"survey": survey.code, "metric": "comment_texts"}
    obligations = reader._authorize_aggregate(RESOURCE, (), {}, detail)
    if obligations.scope is Scope.SELF:
        deny(
            reader.session,
            reader.actor,
            Action.READ_AGGREGATE.value,
            RESOURCE,
            reader.purpose,
            Decision(
                False,
                "a self-scope audience sees organisation-wide comment figures (the town hall), "
                "never the comment texts behind them",
                "audiences.*.scope",
            ),
            detail=detail,
        )
    k = obligations.k
    loaded = snapshots.cached(
        reader.session, ("comment_corpus", survey.id, k), lambda: _load(reader, survey, k)
    )
    audience = reader._audience(obligations, loaded.keys_of_people)
    comments = list(loaded.comments)
    if audience.team_keys is not None:
        comments = [c for c in comments if c.writer in audience.team_keys]
    audit.record(
        reader.session,
        reader.actor,
        Action.READ_AGGREGATE.value,
        RESOURCE,
        purpose=reader.purpose,
        detail={**detail, "scope": audience.scope.value, "comments": len(comments)},
    )
    return CommentCorpus(
        reader,
        survey,
        comments,
        loaded.population,
        audience,
        loaded.quotable,
        k,
        (k, *reader._audience_key(obligations)),
    )


@dataclass(frozen=True)
class _Loaded:
    """A survey's comments, their writers and who may be quoted: what every reader's corpus of the
    survey is cut from (a manager's to their line's comments), kept per data version because loading
    it costs a few hundred milliseconds per survey at 5,000 people. The authorisation, the audience
    and the audit of a read are never kept: `comment_corpus` does them on every read."""

    comments: tuple[CorpusComment, ...]
    keys_of_people: Mapping[int, str]  # person id -> writer key
    population: list[Member]  # every writer, whatever the reader's scope: cells are cut by audience
    quotable: frozenset[str]


def _load(reader: PersonalData, survey: Survey, k: int) -> _Loaded:
    rows = reader.session.execute(
        select(
            Comment.id,
            Comment.person_id,
            Comment.org_unit_id,
            Person.org_unit_id.label("person_unit_id"),
            Comment.text_redacted,
            Comment.sentiment,
        )
        .outerjoin(Person, Person.id == Comment.person_id)
        .where(Comment.survey_id == survey.id)
        .order_by(Comment.id)
    ).all()
    themes: dict[int, dict[str, float]] = {}
    for comment_id, theme, sentiment in reader.session.execute(
        select(CommentTheme.comment_id, CommentTheme.theme, CommentTheme.sentiment)
        .join(Comment, Comment.id == CommentTheme.comment_id)
        .where(Comment.survey_id == survey.id)
    ):
        themes.setdefault(comment_id, {})[theme] = sentiment
    writer = {r.id: f"p{r.person_id}" if r.person_id is not None else f"c{r.id}" for r in rows}
    unit_of = {writer[r.id]: r.org_unit_id if r.org_unit_id is not None else r.person_unit_id for r in rows}
    people = {writer[r.id]: r.person_id for r in rows if r.person_id is not None}
    facts = load_person_facts(reader.session)
    tree = load_unit_tree(reader.session)
    as_of = survey.opened_on or survey.closed_on or dt.date.today()
    population = [
        Member(key, dimensions(facts.get(people[key]) if key in people else None, unit_of[key], tree, as_of))
        for key in dict.fromkeys(writer.values())
    ]
    sizes = _unit_sizes(reader, as_of)
    quotable = frozenset(key for key, unit in unit_of.items() if unit is not None and sizes[unit] >= k)
    comments = tuple(
        CorpusComment(r.id, writer[r.id], r.text_redacted, r.sentiment, themes.get(r.id, {})) for r in rows
    )
    return _Loaded(comments, {p: key for key, p in people.items()}, population, quotable)


def _unit_sizes(reader: PersonalData, day: dt.date) -> Counter[int]:
    """People per org unit employed on `day` (organisation structure, like the org chart)."""
    rows = reader.session.execute(select(Person.org_unit_id, Person.hire_date, Person.exit_date)).all()
    return Counter(
        r.org_unit_id
        for r in rows
        if r.org_unit_id is not None
        and (r.hire_date is None or r.hire_date <= day)
        and (r.exit_date is None or r.exit_date > day)
    )
