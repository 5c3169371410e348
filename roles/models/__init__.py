"""The content of the knowledge base; every text is a translated field (roles/translation.py)."""

from roles.models.content import (
    Content,
    Duty,
    Origin,
    Quality,
    Role,
    RoleKey,
    RoleQuality,
    RoleScenario,
    Scenario,
    Source,
    Workplace,
)
from roles.models.imports import PendingImport
from roles.models.records import FormerSlug, SeedRecord, TextStatus
from roles.models.terms import CheckDismissal, Term
from roles.models.versions import RoleVersion, VersionText

# Each kind of content object by the name that files, the search index and the API call it.
KINDS = {
    "role": Role,
    "duty": Duty,
    "quality": Quality,
    "rolequality": RoleQuality,
    "scenario": Scenario,
    "workplace": Workplace,
    "source": Source,
}
KIND_OF = {model: kind for kind, model in KINDS.items()}

__all__ = [
    "KINDS",
    "KIND_OF",
    "CheckDismissal",
    "Content",
    "Duty",
    "FormerSlug",
    "Origin",
    "PendingImport",
    "Quality",
    "Role",
    "RoleKey",
    "RoleQuality",
    "RoleScenario",
    "RoleVersion",
    "Scenario",
    "SeedRecord",
    "Source",
    "Term",
    "TextStatus",
    "VersionText",
    "Workplace",
]
