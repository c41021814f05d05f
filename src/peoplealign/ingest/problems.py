"""What is wrong with an import file, said so a person can fix it: file, row, column, expected vs found.

Listing every problem of a million-row file helps nobody, so only the first few are kept and the rest
are counted; the count still tells the user how big the clean-up is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from peoplealign.errors import InvalidInputError

MAX_LISTED = 20


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ProblemLog:
    """Keeps the first `limit` problems in file order and counts every one."""

    file: str
    limit: int = MAX_LISTED
    listed: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.extend([Problem(self.file, row, column, message)])

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.total += 1
            self.listed.append(problem)
        if len(self.listed) > self.limit:
            self.listed.sort(key=lambda p: (p.row or 0, p.column or ""))
            del self.listed[self.limit :]

    def count_unlisted(self, count: int) -> None:
        self.total += count

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportProblemsError(sorted(self.listed, key=lambda p: p.row or 0), self.total)


class ImportProblemsError(InvalidInputError):
    """The file cannot be imported; nothing was written. Carries one problem per bad cell or row."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        super().__init__(self.render())

    def render(self) -> str:
        noun = "problem" if self.total == 1 else "problems"
        lines = [f"{self.total} {noun} found; nothing was imported"]
        lines.extend(str(p) for p in self.problems)
        hidden = self.total - len(self.problems)
        if hidden > 0:
            lines.append(f"… and {hidden} more problems")
        return "\n".join(lines)
