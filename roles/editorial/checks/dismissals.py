"""Dismissing a check's warning for one text, with a reason: recorded in the object's history
(a revision that holds the dismissal, so a restore brings it back with the text it was for)."""

import json

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from roles.editorial.checks.rules import CHECKS, WARNING
from roles.editorial.translation_status import fingerprint, value
from roles.models import CheckDismissal


class NotDismissable(Exception):
    """Only warnings can be dismissed: an error is always wrong."""


@transaction.atomic
def dismiss(
    *, obj: models.Model, field: str, language: str, check_id: str, reason: str, user=None
) -> CheckDismissal:
    """Dismiss the warning `check_id` on a text of `obj` as it reads now."""
    check = CHECKS.get(check_id)
    if check is None or check.severity != WARNING:
        raise NotDismissable(check_id)
    reason = reason.strip()
    if not reason:
        raise ValueError("a dismissal needs a reason")
    by = user if user is not None and user.is_authenticated else None
    with reversion.create_revision(atomic=False):
        if by is not None:
            reversion.set_user(by)
        # A note the history tells in each reader's language (roles.editorial.diffs).
        note = {
            "model": obj._meta.label,
            "field": field,
            "language": language,
            "check": check_id,
            "reason": reason,
        }
        reversion.set_comment(json.dumps([{"dismissed": note}]))
        dismissal, _created = CheckDismissal.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            field=field,
            language=language,
            check_id=check_id,
            defaults={
                "text_fingerprint": fingerprint(value(obj, field, language)),
                "reason": reason,
                "dismissed_by": by,
            },
        )
        if reversion.is_registered(type(obj)):
            reversion.add_to_revision(obj)
    return dismissal
