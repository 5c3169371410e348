"""History and restore in the admin: what each save changed, per field and language, and restores
that touch one object and its inline rows, never the rest of a revision."""

from itertools import zip_longest

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Version

from roles.completeness import text_fields
from roles.editorial.permissions import may_edit_structure, may_translate
from roles.languages import languages


class HistoryMixin:
    """For the content admins (needs `_url_name` and `inlines`)."""

    object_history_template = "admin/roles/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            # No such object: Django's answer (back to the admin, saying so), before any query
            # with the id (one with a NUL is refused by PostgreSQL).
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        versions = list(
            Version.objects.get_for_object_reference(self.model, object_id).select_related(
                "revision__user"
            )
        )
        changes = []
        # Each version with the one before it: none for the first (or any, for an object that has
        # no versions, as one written in bulk without a revision).
        for newer, older in zip_longest(versions, versions[1:]):
            diff = field_changes(self.model, older.field_dict if older else {}, newer.field_dict)
            changes.append(
                {
                    "version": newer,
                    "restore_url": reverse(self._url_name("revision"), args=[object_id, newer.pk]),
                    "diff": diff + self.row_changes(newer),
                }
            )
        return super().history_view(
            request, object_id, {**(extra_context or {}), "changes": changes}
        )

    def row_changes(self, version) -> list[dict]:
        """What a save changed in the inline rows saved with the object (a role's duties...)."""
        inline_models = {inline.model for inline in self.inlines}
        rows = []
        for row in version.revision.version_set.exclude(pk=version.pk).select_related(
            "content_type"
        ):
            if row._model not in inline_models:
                continue
            previous = (
                Version.objects.get_for_object_reference(row._model, row.object_id)
                .filter(pk__lt=row.pk)
                .first()
            )
            for change in field_changes(
                row._model, previous.field_dict if previous else {}, row.field_dict
            ):
                change["field"] = f"{row.object_repr[:60]} – {change['field']}"
                rows.append(change)
        return rows

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        if not (
            may_edit_structure(request.user)
            and all(may_translate(request.user, c) for c in languages())
        ):
            raise PermissionDenied  # a restore may touch every field and language
        # VersionAdmin reverts version.revision, which may hold many objects (a seed load, an
        # import): narrow it to this object and the rows it was saved with.
        version.revision.revert = lambda delete=False: self._restore(version)
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)

    def _restore(self, version) -> None:
        version.revert()
        inline_models = {inline.model for inline in self.inlines}
        for row in version.revision.version_set.exclude(pk=version.pk):
            if row._model not in inline_models:
                continue
            owner = {
                str(row.field_dict.get(f.attname))
                for f in row._model._meta.concrete_fields
                if f.is_relation and f.related_model is self.model
            }
            if str(version.object_id) in owner:
                try:
                    with transaction.atomic():
                        row.revert()
                except (IntegrityError, ValidationError):
                    pass  # a row since moved or renamed keeps its current place


def field_changes(model, before: dict, after: dict) -> list[dict]:
    """What changed between two saved states of an object: per field, and per language."""
    labels = {}
    for field in model._meta.concrete_fields:
        labels[field.attname] = str(field.verbose_name)
    for field in text_fields(model):
        for code in languages():
            column = build_localized_fieldname(field, code)
            labels[column] = f"{model._meta.get_field(field).verbose_name} [{code}]"
    rows = []
    for name in after:
        if name in ("updated_at", "created_at") or name in text_fields(model) or name == "origin":
            continue  # timestamps; the untranslated shadow columns of translated fields
        old, new = before.get(name), after.get(name)
        if (old or "") != (new or ""):
            rows.append({"field": labels.get(name, name), "old": old, "new": new})
    return rows
