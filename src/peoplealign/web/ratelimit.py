"""Login throttling, so a password cannot be guessed by trying many.

Failures are counted per (email, client address) in a sliding window, in memory: right for the
single-process server `peoplealign serve` runs. Several processes behind a load balancer each keep
their own count, which multiplies the allowance by the number of processes.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from threading import Lock

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
SWEEP_AT = 10_000  # tracked keys before expired ones are swept, so memory stays bounded


class LoginRateLimiter:
    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = Lock()

    def retry_after(self, email: str, client: str) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        with self._lock:
            recent = self._prune(self._key(email, client))
            if len(recent) < self.max_failures:
                return 0
            return max(1, math.ceil(recent[0] + self.window_seconds - self._clock()))

    def record_failure(self, email: str, client: str) -> None:
        with self._lock:
            if len(self._failures) >= SWEEP_AT:
                for key in list(self._failures):
                    self._prune(key)
            key = self._key(email, client)
            self._failures.setdefault(key, deque()).append(self._clock())

    def reset(self, email: str, client: str) -> None:
        with self._lock:
            self._failures.pop(self._key(email, client), None)

    @staticmethod
    def _key(email: str, client: str) -> tuple[str, str]:
        return email.strip().lower(), client

    def _prune(self, key: tuple[str, str]) -> deque[float]:
        """Drop failures older than the window, and the key itself once it has none left."""
        failures = self._failures.get(key, deque())
        cutoff = self._clock() - self.window_seconds
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures
