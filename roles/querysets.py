"""Reads that pages and the admin share: each page's query budget is fixed here."""

from django.db import models
from django.db.models import Prefetch

from roles.completeness import missing_q


class ContentQuerySet(models.QuerySet):
    # Bulk writes send no signals: they make the kept pages stale themselves (roles/page_cache.py).
    def update(self, **kwargs):
        from roles import page_cache

        changed = super().update(**kwargs)
        page_cache.bump()
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        from roles import page_cache

        made = super().bulk_create(objs, *args, **kwargs)
        page_cache.bump()
        return made

    def bulk_update(self, objs, *args, **kwargs):
        from roles import page_cache

        changed = super().bulk_update(objs, *args, **kwargs)
        page_cache.bump()
        return changed

    def missing_in(self, language: str):
        """Objects with at least one text missing in `language`."""
        return self.filter(missing_q(self.model, language))

    def complete_in(self, language: str):
        return self.exclude(missing_q(self.model, language))


class PublishableQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Readers see what is published; logged-in editors also see drafts, as previews."""
        return self if user.is_staff else self.published()


def _published(model_name: str):
    from django.apps import apps

    return apps.get_model("roles", model_name).objects.published()


class RoleQuerySet(PublishableQuerySet):
    def with_content(self):
        """Everything a role page shows, in a fixed number of queries."""
        from roles.models import Duty, RoleQuality, RoleScenario, Source

        return self.select_related("leads_to").prefetch_related(
            Prefetch("duties", queryset=Duty.objects.order_by("order")),
            Prefetch(
                "role_qualities",
                queryset=RoleQuality.objects.filter(quality__published=True)
                .select_related("quality")
                .order_by("order"),
            ),
            Prefetch(
                "role_scenarios",
                queryset=RoleScenario.objects.filter(scenario__published=True)
                .select_related("scenario")
                .order_by("order"),
            ),
            Prefetch("workplaces", queryset=_published("Workplace")),
            Prefetch("leads_from", queryset=self.model.objects.published()),
            Prefetch("sources", queryset=Source.objects.order_by("key")),
        )


class QualityQuerySet(PublishableQuerySet):
    def with_content(self):
        from roles.models import RoleQuality

        return self.prefetch_related(
            Prefetch(
                "role_qualities",
                queryset=RoleQuality.objects.filter(role__published=True)
                .select_related("role")
                .order_by("role__level", "role__key"),
            ),
            "sources",
        )


class ScenarioQuerySet(PublishableQuerySet):
    def with_content(self):
        return self.prefetch_related(
            Prefetch("roles", queryset=_published("Role").order_by("level", "key")), "sources"
        )


class WorkplaceQuerySet(PublishableQuerySet):
    def with_content(self):
        return self.prefetch_related(
            Prefetch("roles", queryset=_published("Role").order_by("level", "key")), "sources"
        )


class RoleVersionQuerySet(models.QuerySet):
    def of(self, key: str):
        return self.filter(role_key=key)

    def in_force(self):
        """Versions not withdrawn: the newest of them is a role's current version."""
        return self.filter(withdrawn_at=None)

    def current_of(self, key: str):
        """The role's newest version not withdrawn, or None (one query)."""
        return self.of(key).in_force().order_by("-number").first()

    def delete(self):
        raise ValueError("Published versions are never deleted; withdraw them instead.")

    def update(self, **kwargs):
        from roles.models import RoleVersion

        if not RoleVersion.WITHDRAWAL_FIELDS.issuperset(kwargs):
            raise ValueError("A published version is never changed, except to withdraw it.")
        return super().update(**kwargs)
