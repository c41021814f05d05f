"""Listening: what employees say in surveys and comments, turned into aggregates the policy layer
releases."""
