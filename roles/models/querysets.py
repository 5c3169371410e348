"""Reads that pages and the admin share: each page's query budget is fixed here."""

from django.db import models
from django.db.models import Prefetch

from roles import changes
from roles.completeness import missing_q
from roles.texts import columns


class ContentQuerySet(models.QuerySet):
    # Bulk writes send no model signals: they record the change themselves.
    def update(self, **kwargs):
        changed = super().update(**kwargs)
        changes.record(self.model, using=self.db)
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        changes.record(self.model, using=self.db)
        return made

    def bulk_update(self, objs, *args, **kwargs):
        changed = super().bulk_update(objs, *args, **kwargs)
        changes.record(self.model, using=self.db)
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


def _related(queryset, name: str):
    """The model at the other end of the relation `name` (models import this module: no import
    of theirs here)."""
    return queryset.model._meta.get_field(name).related_model


class RoleQuerySet(PublishableQuerySet):
    def with_content(self):
        """Everything a role page shows, in a fixed number of queries."""
        return self.select_related("leads_to").prefetch_related(*self.content())

    def for_page(self, language: str):
        """The role of a role page in `language`: the columns the page shows (the language's and
        its fallbacks'), and the role it leads to. content(language) adds the rest."""
        return self.select_related("leads_to").only(
            *("key", "level", "published", "isco08", "esco_uri", "onet_soc"),
            *columns(("title", "summary", "body", "career"), language),
            *("leads_to__key", "leads_to__published"),
            *columns(("title",), language, "leads_to__"),
        )

    def content(self, language: str | None = None) -> list[Prefetch]:
        """What a role page shows besides the role, in one query each: with a `language`, only
        the columns of that language and its fallbacks; without, every language's."""
        Role = self.model
        Duty, RoleQuality, RoleScenario, Source, Workplace = (
            _related(self, name)
            for name in ("duties", "role_qualities", "role_scenarios", "sources", "workplaces")
        )

        def texts(fields: tuple[str, ...], prefix: str = "") -> list[str]:
            return columns(fields, language, prefix) if language else []

        def only(queryset, *names: str):
            return queryset.only(*names) if language else queryset

        qualities = RoleQuality.objects.filter(quality__published=True).select_related("quality")
        scenarios = RoleScenario.objects.filter(scenario__published=True).select_related("scenario")
        return [
            Prefetch(
                "duties",
                queryset=only(Duty.objects.order_by("order"), "role_id", "key", *texts(("text",))),
            ),
            Prefetch(
                "role_qualities",
                queryset=only(
                    qualities.order_by("order"),
                    *("role_id", "quality__slug"),
                    *texts(("note",)),
                    *texts(("name",), "quality__"),
                ),
            ),
            Prefetch(
                "role_scenarios",
                queryset=only(
                    scenarios.order_by("order"),
                    *("role_id", "scenario__slug"),
                    *texts(("title", "situation", "steps", "avoid"), "scenario__"),
                ),
            ),
            Prefetch(
                "workplaces",
                queryset=only(Workplace.objects.published(), "slug", *texts(("name",))),
            ),
            Prefetch(
                "leads_from",
                queryset=only(Role.objects.published(), "key", "leads_to_id", *texts(("title",))),
            ),
            Prefetch(
                "sources",
                queryset=only(
                    Source.objects.order_by("key"), "key", "language", *texts(("title",))
                ),
            ),
        ]


class QualityQuerySet(PublishableQuerySet):
    def with_content(self):
        RoleQuality = _related(self, "role_qualities")
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
            Prefetch(
                "roles",
                queryset=_related(self, "roles").objects.published().order_by("level", "key"),
            ),
            "sources",
        )


class WorkplaceQuerySet(PublishableQuerySet):
    def with_content(self):
        return self.prefetch_related(
            Prefetch(
                "roles",
                queryset=_related(self, "roles").objects.published().order_by("level", "key"),
            ),
            "sources",
        )


# The largest version number a database integer holds: a longer number (from an address) is no
# version, rather than an error from the database.
LARGEST_NUMBER = 2**31 - 1


class RoleVersionQuerySet(models.QuerySet):
    def of(self, key: str):
        return self.filter(role_key=key)

    def numbered(self, number: int):
        return self.filter(number=number) if 0 < number <= LARGEST_NUMBER else self.none()

    def in_force(self):
        """Versions not withdrawn: the newest of them is a role's current version."""
        return self.filter(withdrawn_at=None)

    def current_of(self, key: str):
        """The role's newest version not withdrawn, or None (one query)."""
        return self.of(key).in_force().order_by("-number").first()

    def delete(self):
        raise ValueError("Published versions are never deleted; withdraw them instead.")

    def update(self, **kwargs):
        if (
            not self.model.WITHDRAWAL_FIELDS.issuperset(kwargs)
            or kwargs.get("withdrawn_at", 1) is None
        ):
            raise ValueError("A published version is never changed, except to withdraw it.")
        return super().update(**kwargs)


class VersionTextQuerySet(models.QuerySet):
    """The texts published versions hold: written once, never changed or deleted."""

    def update(self, **kwargs):
        raise ValueError("The texts of published versions are never changed.")

    def delete(self):
        raise ValueError("The texts of published versions are never deleted.")
