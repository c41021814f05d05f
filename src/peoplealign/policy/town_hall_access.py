"""Reads of the town-hall figures: the organisation-wide aggregates published to everyone.

The gateway gives each actor the figures of their own scope, so a manager's survey total is their
team's. The town hall is the opposite promise: the same organisation-wide figures for everyone,
whatever their role. `TownHallData` is the gateway with every aggregate read as the narrowest
audience (organisation-wide totals, plus the department headcounts every scope may count), so an
employee, a manager and an executive get one release decision and one set of numbers. The charter
still decides whether the actor may read the source at all, and each read is audited as usual,
marked as a town-hall read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from peoplealign.policy.aggregates import Audience, Report
from peoplealign.policy.engine import Obligations
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.scope import Scope


class TownHallData(PersonalData):
    def _authorize_aggregate(
        self,
        resource: str,
        by: Sequence[str],
        filters: Mapping[str, Any],
        detail: Mapping[str, Any],
        *,
        town_hall: bool = False,
        public: Sequence[str] = (),
    ) -> Obligations:
        return super()._authorize_aggregate(
            resource, by, filters, {**detail, "town_hall": True}, town_hall=True, public=public
        )

    def _audience(self, obligations: Obligations, keys_of_people: Mapping[int, str]) -> Audience:
        return Audience(Scope.SELF)

    def _audit_aggregate(self, resource: str, detail: Mapping[str, Any], report: Report) -> None:
        super()._audit_aggregate(resource, {**detail, "town_hall": True}, report)
