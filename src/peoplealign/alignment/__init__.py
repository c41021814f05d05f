"""Alignment: the organisation, its North Star objectives and whether its data can support insights."""
