"""Renaming a slug never breaks a link: the old slug is remembered and answers 301."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect

from roles.models import FormerSlug


@transaction.atomic
def remember_former_slug(*, obj: models.Model, former: str) -> None:
    """Record that `obj` was known as `former` (called when an editor renames it)."""
    kind = ContentType.objects.get_for_model(obj)
    # A slug given back to an object is current again, not former.
    FormerSlug.objects.filter(content_type=kind, slug=obj.slug).delete()
    if former and former != obj.slug:
        FormerSlug.objects.update_or_create(
            content_type=kind, slug=former, defaults={"object_id": obj.pk}
        )


def get_by_slug(queryset: models.QuerySet, slug: str):
    """The object with this slug; for a former slug, a permanent redirect to its current page."""
    obj = queryset.filter(slug=slug).first()
    if obj is not None:
        return obj, None
    kind = ContentType.objects.get_for_model(queryset.model)
    former = FormerSlug.objects.filter(content_type=kind, slug=slug).first()
    target = queryset.filter(pk=former.object_id).first() if former else None
    if target is None:
        raise Http404
    moved = redirect(target, permanent=True)
    moved.target = target
    return None, moved
