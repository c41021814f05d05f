"""Recognizers for the identifiers that free text leaks: emails, phones, URLs, employee ids and the
names of the organisation's own people.

They are Presidio recognizers so that they combine with the NER recognizer under one decision
process, but each also exposes a cheap `might_contain` test: the redactor asks it first and skips
Presidio entirely for the large majority of comments that contain nothing to redact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
# Seven or more digits with the separators phone numbers use: the condition under which it is
# worth asking libphonenumber, which is exact but costs milliseconds per text.
PHONE_HINT = re.compile(r"\d(?:[\s().\-/]{0,3}\d){6,}")

# A word of letters (with inner apostrophes or hyphens) that is not part of a code like "E12345".
WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?:['’\-][^\W\d_]+)*(?![^\W_])")

IsCommonWord = Callable[[str], bool]

# Census given names rarer than this (per cent of people) include words such as "In" or "See".
GIVEN_NAME_MIN_PERCENT = 0.02


class Prefiltered(Protocol):
    """A recognizer with a test far cheaper than its analysis and never falsely negative."""

    def might_contain(self, text: str) -> bool: ...


class _PatternWithHint(PatternRecognizer):
    """A pattern recognizer whose own pattern doubles as the cheap pre-test."""

    def __init__(self, entity: str, regex: str, flags: int = 0) -> None:
        super().__init__(
            supported_entity=entity,
            patterns=[Pattern(name=entity.lower(), regex=regex, score=0.9)],
            global_regex_flags=flags,
        )
        self._hint = re.compile(regex, flags)

    def might_contain(self, text: str) -> bool:
        return self._hint.search(text) is not None


def email_recognizer() -> _PatternWithHint:
    return _PatternWithHint("EMAIL", EMAIL_PATTERN)


def url_recognizer() -> _PatternWithHint:
    return _PatternWithHint("URL", URL_PATTERN, re.IGNORECASE)


def employee_id_recognizer(pattern: str) -> _PatternWithHint:
    return _PatternWithHint("EMPLOYEE_ID", pattern)


class PhoneNumberRecognizer(PhoneRecognizer):
    """Presidio's libphonenumber recognizer (international and national formats of several
    regions), asked only when the text has a run of digits long enough to be a phone number."""

    def __init__(self) -> None:
        super().__init__(supported_entity="PHONE")

    def might_contain(self, text: str) -> bool:
        return PHONE_HINT.search(text) is not None


def load_english_words(model_path: Path, stop_words: Iterable[str]) -> frozenset[str]:
    """Lowercase English words, some names among them: stop words and the WordNet lemma index
    that ships with the spaCy model's lemmatizer, so no word list has to be downloaded."""
    index = Lookups().from_disk(model_path / "lemmatizer" / "lookups").get_table("lemma_index")
    words = set(stop_words)
    for part_of_speech in ("noun", "verb", "adj", "adv"):
        words.update(word for word in index.get(part_of_speech, []) if "_" not in word)
    return frozenset(words)


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
    """Whether capitalised words are evidence of a person's name.

    At the start of a sentence every word is capitalised, so there only a word that is not
    ordinary English counts; "Sarah" and "John" are WordNet words too, so frequent given names are
    never ordinary.
    """

    english_words: frozenset[str]
    given_names: frozenset[str]

    def is_ordinary(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.english_words and lower not in self.given_names

    def might_name_someone(self, text: str) -> bool:
        """Cheap test before NER: a capitalised word that could start a name."""
        for match in WORD.finditer(text):
            word = match.group()
            if _is_capitalised(word) and (
                not is_sentence_start(text, match.start()) or not self.is_ordinary(word)
            ):
                return True
        return False

    def is_doubtful_ner_name(self, text: str, start: int, end: int) -> bool:
        """The small model calls capitalised list items ("Good Pay", "Salary") people: a name must
        contain a capitalised word, and one that opens a sentence a word that is not ordinary."""
        words = WORD.findall(text[start:end])
        if not any(map(_is_capitalised, words)):
            return True
        return is_sentence_start(text, start) and all(map(self.is_ordinary, words))


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
    reads as a name: capitalised and next to another name part, or capitalised mid-sentence.
    Distinctive parts ("Lopez") are matched in any case, because people type names in lowercase.
    """

    def __init__(self, full_names: Iterable[str], is_common_word: IsCommonWord) -> None:
        self._full_names: set[tuple[str, ...]] = set()
        parts: set[str] = set()
        for name in full_names:
            tokens = tuple(token.lower() for token in WORD.findall(name))
            if tokens:
                self._full_names.add(tokens)
                parts.update(tokens)
        self._longest = max((len(tokens) for tokens in self._full_names), default=0)
        self._ambiguous = {part for part in parts if len(part) <= 2 or is_common_word(part)}
        self._parts = parts
        super().__init__(supported_entities=["PERSON"], name="DirectoryNameRecognizer")

    def load(self) -> None:
        """Nothing to load: the directory is given at construction."""

    def might_contain(self, text: str) -> bool:
        return bool(self._parts) and any(word.lower() in self._parts for word in WORD.findall(text))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        words = [(match.group().lower(), match) for match in WORD.finditer(text)]
        found: list[RecognizerResult] = []
        index = 0
        while index < len(words):
            length = self._full_name_length(text, words, index)
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
                text[left.end() : right.start()].isspace()
                for (_, left), (_, right) in pairwise(candidate)
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
        return next_to_name or not is_sentence_start(text, match.start())

    def _result(self, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(entity_type="PERSON", start=start, end=end, score=1.0)
