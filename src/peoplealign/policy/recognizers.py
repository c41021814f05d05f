"""Recognizers for the identifiers that free text leaks: emails, phones, URLs, employee ids and the
names of the organisation's own people.

They are Presidio recognizers so that they combine with the NER recognizer under one decision
process, but each also exposes a cheap `might_contain` test: the redactor asks it first and skips
Presidio entirely for the large majority of comments that contain nothing to redact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Protocol

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer
from spacy.lookups import Lookups

from peoplealign.errors import PeopleAlignError

DEFAULT_EMPLOYEE_ID_PATTERN = r"\b(?:EMP[-_ ]?\d{3,}|E\d{4,})\b"

EMAIL_PATTERN = r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
URL_PATTERN = (
    r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co\.uk|gov|edu)(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)\]])?\b"
)
URL_HINT = r"://|www\.|\.(?:com|org|net|io|co\.uk|gov|edu)\b"
# Seven or more digits with the separators phone numbers use: the condition under which it is
# worth asking libphonenumber, which is exact but costs milliseconds per text.
PHONE_HINT = re.compile(r"\d(?:[\s().\-/]{0,3}\d){6,}")
# Phone shapes people write, whether or not the number is allocated (libphonenumber rejects
# unallocated area codes): North American 3-3-4 and "+country" followed by digit groups, seven
# digits or more in all.
PHONE_SHAPES = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
    r"|(?<![\w+])\+(?=(?:[\s.()-]{0,3}\d){7})\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}(?![\w-])"
)

# A word of letters (with inner apostrophes or hyphens) that is not part of a code like "E12345".
WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?:['’\-][^\W\d_]+)*(?![^\W_])")

# A word of two or more letters starting with a capital, and the word just before a position (same
# line, separated by spaces or a comma only).
CAPITALISED_WORD = re.compile(r"(?<![^\W_])[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:['’\-][^\W\d_]+)*(?![^\W_])")
PREVIOUS_WORD = re.compile(r"([^\W\d_]+),?[ \t]+$")


# Census given names rarer than this (per cent of people) include words such as "In" or "See".
GIVEN_NAME_MIN_PERCENT = 0.02
# Characters of context either side of a possible name that NER gets to see: about four words, as
# far as the small model's token encoder looks (four layers, one token each way).
NER_CONTEXT_CHARS = 20


class Prefiltered(Protocol):
    """A recognizer with a test far cheaper than its analysis and never falsely negative."""

    def might_contain(self, text: str) -> bool: ...


class _PatternWithHint(PatternRecognizer):
    """A pattern recognizer with a cheap pre-test: a simpler regex that any match must contain
    (by default the pattern itself)."""

    def __init__(self, entity: str, regex: str, flags: int = 0, hint: str | None = None) -> None:
        super().__init__(
            supported_entity=entity,
            patterns=[Pattern(name=entity.lower(), regex=regex, score=0.9)],
            global_regex_flags=flags,
        )
        self._hint = re.compile(hint or regex, flags)

    def might_contain(self, text: str) -> bool:
        return self._hint.search(text) is not None


def email_recognizer() -> _PatternWithHint:
    return _PatternWithHint("EMAIL", EMAIL_PATTERN, hint="@")


def url_recognizer() -> _PatternWithHint:
    return _PatternWithHint("URL", URL_PATTERN, re.IGNORECASE, hint=URL_HINT)


def employee_id_recognizer(pattern: str) -> _PatternWithHint:
    return _PatternWithHint("EMPLOYEE_ID", pattern)


class PhoneNumberRecognizer(PhoneRecognizer):
    """Presidio's libphonenumber recognizer (international and national formats of several
    regions) plus common phone shapes, asked only when the text has a run of digits long enough
    to be a phone number."""

    def __init__(self) -> None:
        super().__init__(supported_entity="PHONE")

    def might_contain(self, text: str) -> bool:
        return PHONE_HINT.search(text) is not None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = list(super().analyze(text, entities))
        results.extend(
            RecognizerResult(entity_type="PHONE", start=match.start(), end=match.end(), score=self.SCORE)
            for match in PHONE_SHAPES.finditer(text)
        )
        return results


@dataclass(frozen=True)
class EnglishWords:
    """Lowercase English lemmas from the WordNet index that ships with the spaCy model's lemmatizer
    (so no word list has to be downloaded), split by whether they can only be nouns: WordNet's
    nouns include proper nouns ("freya", "mohammed", "london"), its other words do not."""

    nouns_only: frozenset[str]
    other: frozenset[str]

    def __contains__(self, word: object) -> bool:
        return word in self.other or word in self.nouns_only


def load_english_words(model_path: Path, stop_words: Iterable[str]) -> EnglishWords:
    index = Lookups().from_disk(model_path / "lemmatizer" / "lookups").get_table("lemma_index")

    def lemmas(*parts_of_speech: str) -> set[str]:
        return {word for pos in parts_of_speech for word in index.get(pos, []) if "_" not in word}

    other = lemmas("verb", "adj", "adv") | set(stop_words)
    return EnglishWords(nouns_only=frozenset(lemmas("noun") - other), other=frozenset(other))


def load_given_names() -> frozenset[str]:
    """Frequent given names from the US census tables shipped in the `names` package."""
    try:
        tables = files("names")
        rows = [
            line.split()
            for table in ("dist.female.first", "dist.male.first")
            for line in (tables / table).read_text(encoding="ascii").splitlines()
        ]
    except (ImportError, OSError) as exc:
        raise PeopleAlignError(f"redaction needs the package 'names' (pip install names): {exc}") from exc
    return frozenset(
        row[0].lower() for row in rows if len(row) == 4 and float(row[1]) >= GIVEN_NAME_MIN_PERCENT
    )


@dataclass(frozen=True)
class NameEvidence:
    """Whether capitalised words are evidence of a person's name, and where NER should look.

    Reviews capitalise ordinary words freely ("Good Pay", "Managers", "It's"), so only a
    capitalised word that is not ordinary English is a reason to run NER. "Sarah" and "John" are
    WordNet words too, so frequent given names are never ordinary.
    """

    english_words: EnglishWords
    given_names: frozenset[str]
    _ordinary: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _proper: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def is_ordinary(self, word: str) -> bool:
        known = self._ordinary.get(word)
        if known is None:
            lower = word.lower().replace("’", "'")
            known = lower not in self.given_names and any(
                form in self.english_words for form in _base_forms(lower)
            )
            self._ordinary[word] = known
        return known

    def may_be_proper_noun(self, word: str) -> bool:
        known = self._proper.get(word)
        if known is None:
            known = not any(form in self.english_words.other for form in _base_forms(word.lower()))
            self._proper[word] = known
        return known

    def name_windows(self, text: str) -> list[tuple[int, int]]:
        """Stretches of `text` around words that could be names (empty: NER is not needed).

        A candidate is a capitalised word that is not ordinary English, or a noun capitalised
        right after a lowercase word ("reported it to Freya"), where capitals mean a proper noun.
        NER sees a few words of context either side, so a window of that context around each
        candidate finds the same names as the whole text at a fraction of the cost on long texts.
        """
        windows: list[tuple[int, int]] = []
        for match in CAPITALISED_WORD.finditer(text):
            word = match.group()
            if word.isupper() or (
                self.is_ordinary(word)
                and not (self.may_be_proper_noun(word) and _follows_lowercase_word(text, match.start()))
            ):
                continue
            start = _word_boundary_before(text, match.start() - NER_CONTEXT_CHARS)
            end = _word_boundary_after(text, match.end() + NER_CONTEXT_CHARS)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return windows

    def is_doubtful_ner_name(self, text: str, start: int, end: int) -> bool:
        """The small model calls capitalised list items ("Good Pay", "Salary") and acronyms people:
        a name must contain a word in title case, and one that opens a sentence a word that is not
        ordinary."""
        words = WORD.findall(text[start:end])
        if not any(_is_capitalised(word) and not word.isupper() for word in words):
            return True
        return is_sentence_start(text, start) and all(map(self.is_ordinary, words))


def _follows_lowercase_word(text: str, start: int) -> bool:
    previous = PREVIOUS_WORD.search(text, max(0, start - 40), start)
    return previous is not None and previous.group(1)[0].islower()


def _base_forms(word: str) -> set[str]:
    """The word and what it may be inflected from: WordNet lists lemmas only ("manager", not
    "managers"), and reviews write contractions ("it's") and possessives."""
    word = word.split("'")[0] or word
    forms = {word}
    for suffix, replacement in (
        ("s", ""),
        ("es", ""),
        ("ies", "y"),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.add(word[: -len(suffix)] + replacement)
    return forms


def _word_boundary_before(text: str, index: int) -> int:
    if index <= 0:
        return 0
    space = text.rfind(" ", 0, index)
    return space + 1 if space >= 0 else 0


def _word_boundary_after(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    space = text.find(" ", index)
    return space if space >= 0 else len(text)


class PrecomputedNameRecognizer(EntityRecognizer):
    """Presidio's view of names found by NER run beforehand over a whole batch (spaCy is far
    faster on batches than text by text)."""

    def __init__(self) -> None:
        self.found: dict[str, list[tuple[int, int]]] = {}
        super().__init__(supported_entities=["PERSON"], name="NerNameRecognizer")

    def load(self) -> None:
        """Nothing to load: names are handed in by the redactor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult(entity_type="PERSON", start=start, end=end, score=0.85)
            for start, end in self.found.get(text, [])
        ]


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def is_sentence_start(text: str, start: int) -> bool:
    """True when nothing but spaces, quotes or bullets separate `start` from the text's start,
    a line break or a sentence-ending mark: there capitalisation says nothing about names."""
    index = start - 1
    while index >= 0 and text[index] in " \t\"'“‘(*•-–—":
        index -= 1
    return index < 0 or text[index] in "\n\r.!?:;"


class DirectoryNameRecognizer(EntityRecognizer):
    """Finds the names of the organisation's own people, as full names in any case and as single
    first or last names.

    A name part that is also an ordinary word ("Young", "Green", "Will") is matched only where it
    reads as a name: capitalised and next to another name part, capitalised mid-sentence, or
    capitalised anywhere if it can only be a noun.
    Distinctive parts ("Lopez") are matched in any case, because people type names in lowercase.
    """

    def __init__(self, full_names: Iterable[str], english_words: EnglishWords) -> None:
        self._full_names: set[tuple[str, ...]] = set()
        parts: set[str] = set()
        for name in full_names:
            tokens = tuple(token.lower() for token in WORD.findall(name))
            if tokens:
                self._full_names.add(tokens)
                parts.update(tokens)
        self._longest = max((len(tokens) for tokens in self._full_names), default=0)
        self._first_parts = {tokens[0] for tokens in self._full_names}
        self._ambiguous = {part for part in parts if len(part) <= 2 or part in english_words}
        # Ambiguous parts that can only be nouns ("Smith", "Daniel") may open a sentence as a name;
        # "Young" or "Will" opening a sentence are read as words.
        self._noun_parts = {part for part in self._ambiguous if part in english_words.nouns_only}
        self._parts = parts
        super().__init__(supported_entities=["PERSON"], name="DirectoryNameRecognizer")

    def load(self) -> None:
        """Nothing to load: the directory is given at construction."""

    def might_contain(self, text: str) -> bool:
        """A distinctive part in any case, an ambiguous one capitalised, or a full name's first part."""
        for word in WORD.findall(text) if self._parts else ():
            lower = word.lower()
            if lower in self._parts and (
                lower not in self._ambiguous or _is_capitalised(word) or lower in self._first_parts
            ):
                return True
        return False

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        words = [(match.group().lower(), match) for match in WORD.finditer(text)]
        found: list[RecognizerResult] = []
        index = 0
        while index < len(words):
            if words[index][0] not in self._parts:
                index += 1
                continue
            length = self._full_name_length(text, words, index) if words[index][0] in self._first_parts else 0
            if length:
                found.append(self._result(words[index][1].start(), words[index + length - 1][1].end()))
                index += length
                continue
            if self._is_name_part(text, words, index):
                found.append(self._result(words[index][1].start(), words[index][1].end()))
            index += 1
        return found

    def _full_name_length(self, text: str, words: list[tuple[str, re.Match[str]]], index: int) -> int:
        """Length in words of the directory full name starting at `index` (parts separated by
        spaces only), 0 if none does."""
        for length in range(min(self._longest, len(words) - index), 1, -1):
            candidate = words[index : index + length]
            if tuple(word for word, _ in candidate) in self._full_names and all(
                text[left.end() : right.start()].isspace() for (_, left), (_, right) in pairwise(candidate)
            ):
                return length
        return 0

    def _is_name_part(self, text: str, words: list[tuple[str, re.Match[str]]], index: int) -> bool:
        word, match = words[index]
        if word not in self._parts:
            return False
        if word not in self._ambiguous:
            return True
        if not _is_capitalised(match.group()):
            return False
        neighbours = [words[i] for i in (index - 1, index + 1) if 0 <= i < len(words)]
        next_to_name = any(
            other in self._parts
            and _is_capitalised(other_match.group())
            and not text[
                min(match.end(), other_match.end()) : max(match.start(), other_match.start())
            ].strip()
            for other, other_match in neighbours
        )
        return next_to_name or word in self._noun_parts or not is_sentence_start(text, match.start())

    def _result(self, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(entity_type="PERSON", start=start, end=end, score=1.0)
