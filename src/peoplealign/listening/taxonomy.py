"""The theme taxonomy: a YAML file a customer edits without touching code.

Each theme has a name, a description, keywords (strong cues) and example sentences (matched by
meaning in embedding space, so sentences that use none of the keywords are still found).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from peoplealign.errors import InvalidInputError

DEFAULT_TAXONOMY = "taxonomy.yaml"


@dataclass(frozen=True)
class Theme:
    name: str
    description: str
    keywords: tuple[str, ...]
    examples: tuple[str, ...]

    def keyword_pattern(self) -> re.Pattern[str] | None:
        """One case-insensitive pattern matching any keyword as whole words."""
        if not self.keywords:
            return None
        alternatives = sorted((re.escape(k.lower()) for k in self.keywords), key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(theme.name for theme in self.themes)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInputError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_taxonomy(text: str, source: str) -> Taxonomy:
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("themes"), list):
        raise InvalidInputError(f"{source}: expected a mapping with a 'themes' list")
    themes: list[Theme] = []
    for index, entry in enumerate(document["themes"], start=1):
        where = f"{source}: theme #{index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise InvalidInputError(f"{where}: every theme needs a 'name'")
        name = entry["name"].strip()
        where = f"{source}: theme '{name}'"
        description = entry.get("description") or ""
        if not isinstance(description, str):
            raise InvalidInputError(f"{where}: 'description' must be text")
        theme = Theme(
            name,
            description.strip(),
            _strings(entry.get("keywords"), f"{where} keywords"),
            _strings(entry.get("examples"), f"{where} examples"),
        )
        if not theme.keywords and not theme.examples:
            raise InvalidInputError(f"{where}: give at least one keyword or example")
        if name in {t.name for t in themes}:
            raise InvalidInputError(f"{where}: the name is used twice")
        themes.append(theme)
    if not themes:
        raise InvalidInputError(f"{source}: the taxonomy has no themes")
    return Taxonomy(tuple(themes), source)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy in `path`, or the one shipped with the package."""
    if path is None:
        resource = files("peoplealign.listening") / DEFAULT_TAXONOMY
        return parse_taxonomy(resource.read_text(encoding="utf-8"), DEFAULT_TAXONOMY)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read the taxonomy: {exc.strerror}") from exc
    return parse_taxonomy(text, str(path))
