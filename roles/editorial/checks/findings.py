"""Running the checks: on any texts, and on the database's with the warnings editors dismissed."""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import models

from roles.editorial.checks.rules import CHECKS, ERROR, WARNING, Finding, Unit, run
from roles.editorial.checks.terms import Concept
from roles.editorial.checks.texts import content_objects, database_units, glossary_from_database
from roles.editorial.translation_status import fingerprint, rows_about
from roles.models import CheckDismissal


def check_units(units: Iterable[Unit], glossary: Sequence[Concept] = ()) -> list[Finding]:
    return [finding for unit in units for finding in run(unit, glossary)]


def check_objects(
    objects: Iterable[models.Model] | None = None,
    *,
    languages: Iterable[str] | None = None,
    glossary: Sequence[Concept] | None = None,
    named: bool = True,
) -> list[Finding]:
    """The findings on the texts of `objects` (every content object by default), each dismissed
    warning carrying its CheckDismissal (`finding.dismissal`)."""
    objects = content_objects() if objects is None else list(objects)
    if glossary is None:
        glossary = glossary_from_database()
    findings = check_units(database_units(objects, languages, named=named), glossary)
    dismissals = _dismissals(objects)
    result = []
    for finding in findings:
        unit = finding.unit
        dismissal = dismissals.get(
            (type(unit.obj), unit.obj.pk, unit.field, unit.language, finding.check.id)
        )
        if (
            dismissal is not None
            and finding.severity == WARNING
            and dismissal.text_fingerprint == fingerprint(unit.text)
        ):
            finding = dataclasses.replace(finding, dismissal=dismissal)
        result.append(finding)
    return result


def _dismissals(objects: list[models.Model]) -> dict:
    return {
        (model, row.object_id, row.field, row.language, row.check_id): row
        for model, row in rows_about(CheckDismissal, objects)
    }


def counts(findings: Iterable[Finding]) -> dict[str, dict[str, int]]:
    """{check id: {language: open findings}}, in the order of CHECKS."""
    table: dict[str, dict[str, int]] = {}
    for finding in findings:
        if finding.dismissal is None:
            row = table.setdefault(finding.check.id, defaultdict(int))
            row[finding.unit.language] += 1
    return {check: dict(table[check]) for check in CHECKS if check in table}


def open_errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]
