"""Validated, streamed, transactional HR data imports: nothing is written unless the whole file is valid."""
