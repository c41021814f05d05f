"""What employees say per theme, per group and across survey cycles: the themes overview.

Every figure comes from the policy layer's k_comments-suppressed theme voice, so a group with fewer
writers than k_comments shows no cell, in the chosen cycle and in its trend alike. Quotes come from the
policy layer's comment corpus, which releases them only from teams of at least k_comments people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from peoplealign.policy.comment_access import CommentCorpus, QuoteRelease, comment_corpus
from peoplealign.policy.gateway import PersonalData, ThemeVoice
from peoplealign.store.models import Survey


@dataclass(frozen=True)
class ThemePoint:
    """One survey cycle's figure for one theme and group."""

    survey: str
    cycle: int | None
    voice: ThemeVoice

    def as_dict(self) -> dict[str, Any]:
        return {"survey": self.survey, "cycle": self.cycle, **_voice_dict(self.voice)}


@dataclass(frozen=True)
class ThemeCell:
    voice: ThemeVoice
    trend: list[ThemePoint]
    quotes: QuoteRelease | None = None

    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.voice.group.items()) or "everyone"

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.voice.group,
            **_voice_dict(self.voice),
            "trend": [p.as_dict() for p in self.trend],
            "quotes": self.quotes.texts if self.quotes else [],
        }


@dataclass(frozen=True)
class ThemeReport:
    survey: str
    by: list[str]
    k: int
    cycles: list[str]
    themes: dict[str, list[ThemeCell]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "by": self.by,
            "k": self.k,
            "cycles": self.cycles,
            "themes": {theme: [c.as_dict() for c in cells] for theme, cells in self.themes.items()},
        }


def _voice_dict(voice: ThemeVoice) -> dict[str, Any]:
    return {
        "writers": voice.n,
        "comments": voice.comments,
        "share": None if voice.share is None else round(voice.share, 4),
        "sentiment": None if voice.sentiment is None else round(voice.sentiment, 4),
        "suppressed": voice.suppressed,
        "reason": voice.reason,
    }


def cycles_up_to(reader: PersonalData, survey: Survey) -> list[Survey]:
    """The survey and the earlier cycles of its kind, oldest first."""
    found = [survey]
    while (previous := reader.previous_survey(found[-1])) is not None:
        found.append(previous)
    return found[::-1]


def theme_quotes(
    corpus: CommentCorpus, theme: str, limit: int, group: Mapping[str, Any] | None = None
) -> QuoteRelease:
    """Up to `limit` comments on `theme` from the group (default: everyone the corpus holds), the
    ones whose sentiment on the theme is closest to the group's mean first: typical, not extreme."""
    within = corpus.group_writers(group) if group else None
    if group and within is None:
        return QuoteRelease([], f"this group is hidden to protect anonymity: fewer than {corpus.k} people")
    on_theme = [c for c in corpus.comments if theme in c.themes and (within is None or c.writer in within)]
    if not on_theme:
        return QuoteRelease([], None)
    mean = sum(c.themes[theme] for c in on_theme) / len(on_theme)
    ranked = sorted(on_theme, key=lambda c: (abs(c.themes[theme] - mean), c.id))
    context = {"theme": theme, "group": dict(group or {})}
    return corpus.quotes([(c.id, c.text) for c in ranked], limit, context, within)


def theme_report(
    reader: PersonalData, survey_id: int | str | None, by: Sequence[str], quotes: int = 0
) -> ThemeReport:
    """Per theme and group of `by`: share of voice, mean sentiment and number of writers in the
    chosen survey (default: the latest), with the same group's figures in each earlier cycle, and up
    to `quotes` quotes for each group shown."""
    chosen = reader.survey(survey_id)
    cycles = cycles_up_to(reader, chosen)
    per_cycle = [(s, reader.comment_theme_cells(by, s.id)) for s in cycles]

    def key(voice: ThemeVoice) -> tuple[tuple[str, Any], ...]:
        return tuple(sorted(voice.group.items()))

    lookup = {
        (s.id, theme, key(v)): v for s, themes in per_cycle for theme, cells in themes.items() for v in cells
    }
    corpus = comment_corpus(reader, chosen.id) if quotes > 0 else None
    themes = {
        theme: [
            ThemeCell(
                voice,
                [
                    ThemePoint(s.code, s.cycle, lookup[(s.id, theme, key(voice))])
                    for s in cycles
                    if (s.id, theme, key(voice)) in lookup
                ],
                None
                if corpus is None or voice.suppressed
                else theme_quotes(corpus, theme, quotes, voice.group),
            )
            for voice in cells
        ]
        for theme, cells in per_cycle[-1][1].items()
    }
    return ThemeReport(chosen.code, list(by), reader.charter.k_comments, [s.code for s in cycles], themes)
