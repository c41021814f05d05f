"""Which privacy protections a charter relaxes below the strict built-in minimums.

The strict default is the floor: tightening is always fine, but every way a new version goes below
it must be accepted explicitly by the approving executive, and that acceptance is recorded."""

from __future__ import annotations

from peoplealign.policy.charter_document import CharterDocument, load_default

MIN_K_AGGREGATE = 5
MIN_K_COMMENTS = 10
# Sources whose raw (individual-level) readers are part of the promise to employees.
GUARDED_RAW_SOURCES = ("predictions", "survey", "comments", "protected_attributes")


def loosenings(charter: CharterDocument) -> list[str]:
    """Each relaxation in plain words; an empty list means the charter is at least as strict."""
    floor = load_default()
    found: list[str] = []
    if charter.k_aggregate < MIN_K_AGGREGATE:
        found.append(f"thresholds.k_aggregate lowered to {charter.k_aggregate} (minimum {MIN_K_AGGREGATE})")
    if charter.k_comments < MIN_K_COMMENTS:
        found.append(f"thresholds.k_comments lowered to {charter.k_comments} (minimum {MIN_K_COMMENTS})")
    kept = {u.key for u in charter.prohibited_uses}
    found.extend(f"prohibited_uses.{use.key} removed" for use in floor.prohibited_uses if use.key not in kept)
    for key in GUARDED_RAW_SOURCES:
        source, baseline = charter.source(key), floor.source(key)
        if source is None or baseline is None:
            continue
        widened = sorted(set(source.raw_access) - set(baseline.raw_access))
        if widened:
            found.append(f"data_sources.{key}.raw_access widened to {', '.join(widened)}")
    return found
