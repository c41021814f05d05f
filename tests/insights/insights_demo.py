"""What the insights tests know about the shared 600-person demo that tests/conftest.py builds."""

from __future__ import annotations

import datetime as dt

DEMO_AS_OF = dt.date(2026, 11, 16)
