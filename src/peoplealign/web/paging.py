"""Long lists shown a page at a time: at 5,000 people the recommendation queue, the check-ins and the
audit trail run to hundreds of rows, and rendering them all is most of a page's time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request

T = TypeVar("T")

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list with what the pager needs: the total and the links either side."""

    items: Sequence[T]
    number: int
    total: int
    size: int
    prev_url: str | None
    next_url: str | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when the list is empty)."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def paginate(request: Request, items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page `number` of `items`; a number past the end shows the last page. The links keep the
    request's other query parameters (filters)."""
    number = min(max(1, number), max(1, -(-len(items) // size)))
    start = (number - 1) * size
    return page_of(request, items[start : start + size], number, len(items), size)


def page_of(request: Request, items: Sequence[T], number: int, total: int, size: int = PAGE_SIZE) -> Page[T]:
    """A page the database already cut (`items`, of `total` rows in all)."""
    pages = max(1, -(-total // size))

    def link(n: int) -> str:
        return f"{request.url.path}?{urlencode({**request.query_params, 'page': str(n)})}"

    return Page(
        items,
        number,
        total,
        size,
        link(number - 1) if number > 1 else None,
        link(number + 1) if number < pages else None,
    )
