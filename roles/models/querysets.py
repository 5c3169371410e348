"""Reads that pages and the admin share: each page's query budget is fixed here."""

from django.db import models
from django.utils.translation import get_language

from roles.changes import TrackedQuerySet
from roles.collation import alphabetical, shown_name
from roles.completeness import missing_q


class ContentQuerySet(TrackedQuerySet):
    def missing_in(self, language: str):
        """Objects with at least one text missing in `language`."""
        return self.filter(missing_q(self.model, language))

    def complete_in(self, language: str):
        return self.exclude(missing_q(self.model, language))

    def alphabetical(self, language: str | None = None):
        """In the alphabetical order of `language` (the active one by default) of the title or
        name its readers see, fallbacks included (roles.collation)."""
        language = language or get_language()
        return self.order_by(alphabetical(shown_name(self.model), language), "pk")


def may_preview(user, model: type[models.Model]) -> bool:
    """Whether `user` sees unpublished content of `model` on the public pages."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class PublishableQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Readers see what is published; an account that may view this kind in the admin
        (`roles.view_<model>`: editors, translators, reviewers) also sees drafts, as previews.
        Being staff is not enough: a staff account with no group sees what readers see."""
        return self if may_preview(user, self.model) else self.published()


# The largest version number a database integer holds: a longer number (from an address) is no
# version, rather than an error from the database.
LARGEST_NUMBER = 2**31 - 1


class RoleVersionQuerySet(TrackedQuerySet):
    def of(self, key: str):
        return self.filter(role_key=key)

    def numbered(self, number: int):
        return self.filter(number=number) if 0 < number <= LARGEST_NUMBER else self.none()

    def in_force(self):
        """Versions not withdrawn: the newest of them is a role's current version."""
        return self.filter(withdrawn_at=None)

    def current_of(self, key: str):
        """The role's newest version not withdrawn, or None (one query)."""
        return self.newest_first(key).first()

    def newest_first(self, key: str):
        """The role's versions not withdrawn, the newest first."""
        return self.of(key).in_force().order_by("-number")

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
