"""Stable names for content objects in files that leave the database (translators' PO files),
such as `role:agent` or `duty:agent/answer-calls`. A name survives changes to the object's texts;
a slug renamed in admin changes it (old files then say "unknown")."""

from django.db import models

from roles.models import KINDS, Duty, Role, RoleQuality, Source


def identify(obj: models.Model) -> str:
    if isinstance(obj, Role):
        return f"role:{obj.key}"
    if isinstance(obj, Duty):
        return f"duty:{obj.role.key}/{obj.key}"
    if isinstance(obj, RoleQuality):
        return f"rolequality:{obj.role.key}/{obj.quality.slug}"
    if isinstance(obj, Source):
        return f"source:{obj.key}"
    return f"{obj._meta.model_name}:{obj.slug}"


def find(identifier: str) -> models.Model:
    """The object an identifier names; LookupError if there is none."""
    kind, _, key = identifier.partition(":")
    model = KINDS.get(kind)
    if model is None or not key:
        raise LookupError(identifier)
    try:
        if model is Role:
            return Role.objects.get(key=key)
        if model is Source:
            return Source.objects.get(key=key)
        if model is Duty:
            role, _, duty = key.partition("/")
            return Duty.objects.select_related("role").get(role__key=role, key=duty)
        if model is RoleQuality:
            role, _, quality = key.partition("/")
            return RoleQuality.objects.select_related("role", "quality").get(
                role__key=role, quality__slug=quality
            )
        return model.objects.get(slug=key)
    except model.DoesNotExist:
        raise LookupError(identifier) from None
