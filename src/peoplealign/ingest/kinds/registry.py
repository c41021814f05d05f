"""Every import kind by the name `peoplealign import KIND` uses, in a sensible loading order."""

from __future__ import annotations

from peoplealign.ingest.kinds.activity import ActivityImport
from peoplealign.ingest.kinds.base import ImportKind
from peoplealign.ingest.kinds.collaboration import CollaborationImport
from peoplealign.ingest.kinds.comments import CommentsImport
from peoplealign.ingest.kinds.internal_moves import InternalMovesImport
from peoplealign.ingest.kinds.learning import LearningImport
from peoplealign.ingest.kinds.org_units import OrgUnitsImport
from peoplealign.ingest.kinds.people import PeopleImport
from peoplealign.ingest.kinds.role_requirements import RoleRequirementsImport
from peoplealign.ingest.kinds.skill_demand import SkillDemandImport
from peoplealign.ingest.kinds.skills import SkillsImport
from peoplealign.ingest.kinds.survey import SurveyImport

KINDS: dict[str, type[ImportKind]] = {
    kind.name: kind
    for kind in (
        OrgUnitsImport,
        PeopleImport,
        SurveyImport,
        CommentsImport,
        ActivityImport,
        CollaborationImport,
        SkillsImport,
        RoleRequirementsImport,
        SkillDemandImport,
        InternalMovesImport,
        LearningImport,
    )
}
