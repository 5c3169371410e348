"""History and restore in the admin: what each save changed, per field and language, and restores
that touch one object and its inline rows, never the rest of a revision. A restore shows what it
will change before it is confirmed, and brings back the rows' places exactly."""

import copy
import json
from collections import defaultdict
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.forms.models import _get_foreign_key
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from reversion import is_active, set_comment
from reversion.models import Version

from roles.editorial.diffs import (
    describe,
    field_changes,
    log_text,
    note_fields,
    row_name,
    skipped_text,
    state,
    with_places,
)
from roles.editorial.permissions import may_edit_structure, may_translate
from roles.editorial.translation_status import fingerprint
from roles.languages import languages
from roles.models.content import PARKING

# Entries per page of an object's history.
HISTORY_PAGE_SIZE = 20


class _SavedSince(Exception):
    """The object or its rows were saved since the restore page was shown."""


class HistoryMixin:
    """For the content admins (needs `_url_name` and `inlines`)."""

    object_history_template = "admin/roles/object_history.html"
    revision_form_template = "admin/roles/revision_form.html"
    recover_form_template = "admin/roles/recover_form.html"

    # The object's history: a page of versions, each compared with the one before it.

    @method_decorator(require_http_methods(["GET", "HEAD"]))
    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            # No such object: Django's answer (back to the admin, saying so), before any query
            # with the id (one with a NUL is refused by PostgreSQL).
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        object_id = unquote(object_id)
        versions = Version.objects.get_for_object_reference(self.model, object_id)
        page = Paginator(versions.select_related("revision__user"), HISTORY_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        shown = list(page.object_list)
        # The version before the page's last, to compare it with (none for the first version).
        before = versions[page.end_index()] if page.has_next() else None
        rows = self._rows_of_revisions([v.revision_id for v in shown], object_id)
        changes = []
        for newer, older in zip(shown, [*shown[1:], before], strict=True):
            changes.append(
                {
                    "version": newer,
                    "comment": describe(newer.revision.comment),
                    "restore_url": reverse(self._url_name("revision"), args=[object_id, newer.pk]),
                    "diff": field_changes(
                        self.model, older.field_dict if older else {}, newer.field_dict
                    )
                    + rows.get(newer.revision_id, []),
                }
            )
        context = {"changes": changes, "page": page, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def _relations(self) -> list[tuple[type[models.Model], models.ForeignKey]]:
        """The inline models and each one's link to this admin's object."""
        relations = []
        for inline in self.inlines:
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            relations.append((inline.model, fk))
        return relations

    def _owned(self, revision_ids, object_id) -> dict[tuple, list[Version]]:
        """The rows of this object in these revisions, by (revision, model)."""
        relations = dict(self._relations())
        found = defaultdict(list)
        if not revision_ids or not relations:
            return found
        content_types = ContentType.objects.get_for_models(*relations)
        models_of = {content_types[model].pk: model for model in relations}
        for version in Version.objects.filter(
            revision_id__in=revision_ids, content_type_id__in=models_of
        ).order_by("pk"):
            model = models_of[version.content_type_id]
            if str(version.field_dict.get(relations[model].attname)) == str(object_id):
                found[version.revision_id, model].append(version)
        for group in found.values():
            _place(group)
        return found

    def _rows_of_revisions(self, revision_ids, object_id) -> dict[int, list[dict]]:
        """What each save changed in the object's inline rows (a role's duties...)."""
        owned = self._owned(revision_ids, object_id)
        rows = [row for group in owned.values() for row in group]
        previous = self._previous_versions(rows, object_id)
        changes = defaultdict(list)
        for (revision_id, model), group in owned.items():
            for row in group:
                older = previous.get(row.pk)
                for change in field_changes(
                    model, older.field_dict if older else {}, row.field_dict
                ):
                    changes[revision_id].append({**change, "row": row_name(row.object_repr)})
        return changes

    def _previous_versions(self, rows: list[Version], object_id) -> dict[int, Version]:
        """For each row version, the one saved before it (two queries for the lot)."""
        if not rows:
            return {}
        saved = defaultdict(list)
        for pk, content_type, row_id in (
            Version.objects.filter(
                content_type_id__in={row.content_type_id for row in rows},
                object_id__in={row.object_id for row in rows},
                pk__lt=max(row.pk for row in rows),
            )
            .order_by("pk")
            .values_list("pk", "content_type_id", "object_id")
        ):
            saved[content_type, row_id].append(pk)
        wanted = {}
        for row in rows:
            earlier = [pk for pk in saved[row.content_type_id, row.object_id] if pk < row.pk]
            if earlier:
                wanted[row.pk] = earlier[-1]
        found = Version.objects.select_related("content_type").in_bulk(set(wanted.values()))
        parked = [v for v in found.values() if (v.field_dict.get("order") or 0) >= PARKING]
        if parked:
            owned = self._owned({v.revision_id for v in parked}, object_id)
            places = {v.pk: v.field_dict.get("order") for group in owned.values() for v in group}
            for version in parked:
                version.field_dict["order"] = places.get(version.pk, version.field_dict["order"])
        return {row: found[pk] for row, pk in wanted.items() if pk in found}

    # Restore: only editors, only this object and its rows, shown before it is confirmed.

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def revision_view(self, request, object_id, version_id, extra_context=None):
        return super().revision_view(request, object_id, version_id, extra_context)

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def recover_view(self, request, version_id, extra_context=None):
        return super().recover_view(request, version_id, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        if not (
            may_edit_structure(request.user)
            and all(may_translate(request.user, c) for c in languages())
        ):
            raise PermissionDenied  # a restore may touch every field and language
        if version.content_type_id != ContentType.objects.get_for_model(self.model).pk:
            raise Http404  # another model's version with the same id
        diff, shown = [], {}

        def restore(delete=False):
            if request.method == "POST":
                # Held until the restore commits: a save can't slip in between check and write.
                locked = self.model._base_manager.select_for_update().filter(pk=version.object_id)
                list(locked.values_list("pk"))
            before = self._snapshot(version.object_id)
            token = _state_token(before)
            if request.method == "POST" and request.POST.get("restore_token") != token:
                raise _SavedSince  # what the editor confirmed is not what restoring does now
            skipped = self._restore(version)
            diff.extend(self._compare(before, self._snapshot(version.object_id)))
            shown.update(token=token, skipped=[skipped_text(row, done=False) for row in skipped])
            request.kb_restore = {"version": version, "diff": diff, "skipped": skipped}

        # VersionAdmin reverts version.revision, which may hold many objects (a seed load, an
        # import): narrow it to this object and the rows it was saved with. The page's context
        # is filled in as it runs.
        version.revision.revert = restore
        context = {
            **(extra_context or {}),
            "restore_diff": diff,
            "restoring": shown,
            "restored_version": version,
        }
        try:
            return super()._reversion_revisionform_view(request, version, template_name, context)
        except _SavedSince:
            pass
        # Saved by someone else since the page was shown: nothing is restored; the page is shown
        # again as restoring would change things now.
        fresh = copy.copy(request)
        fresh.method = "GET"
        response = self._reversion_revisionform_view(
            fresh, version, template_name, {**(extra_context or {}), "restore_saved_since": True}
        )
        response.status_code = 409
        return response

    def _restore(self, version) -> list[dict]:
        """Bring back the object and its rows as `version`'s revision saved them. Rows with a
        place are first moved out of the way, so that no two ever hold one place; rows added
        since go after the restored ones. A row whose key (or other unique value) another row
        now holds is left as it is: the rows left so are returned, as history notes."""
        _drop_deleted_links(version._object_version)
        version._object_version.save()
        owned = self._owned([version.revision_id], version.object_id)
        skipped = []
        for model, fk in self._relations():
            rows = owned.get((version.revision_id, model), [])
            current = model.objects.filter(**{fk.attname: version.object_id})
            ordered = _has_places(model)
            if ordered:
                top = max(PARKING, current.aggregate(top=Max("order"))["top"] or 0)
                for step, pk in enumerate(current.order_by("order").values_list("pk", flat=True)):
                    model.objects.filter(pk=pk).update(order=top + step + 1)
            # Again while a pass restores something: a row may take a key that another row of
            # the revision gives up in the same restore.
            while rows:
                clashing = [row for row in rows if not _saved(row, ordered)]
                if len(clashing) == len(rows):
                    break
                rows = clashing
            skipped += [_clash(model, fk, row) for row in rows]
            if ordered:
                _after_the_rest(current)
        return skipped

    def _snapshot(self, object_id) -> tuple[dict, dict]:
        obj = self.model._base_manager.filter(pk=object_id).first()
        rows = {}
        for model, fk in self._relations():
            for row in model._base_manager.filter(**{fk.attname: object_id}):
                rows[model, row.pk] = (str(row), state(row))
        return (state(obj) if obj else {}), rows

    def _compare(self, before, after) -> list[dict]:
        (obj_before, rows_before), (obj_after, rows_after) = before, after
        diff = field_changes(self.model, obj_before, obj_after)
        for (model, pk), (name, values) in sorted(
            rows_after.items(), key=lambda item: (str(item[0][0]), item[1][1].get("order") or 0)
        ):
            old = rows_before.get((model, pk), (name, {}))[1]
            for change in field_changes(model, old, values):
                diff.append({**change, "row": row_name(name), "model": model})
        return diff

    # What a save changed, noted with field names: the log and the history show it in the
    # reader's language. A save that changed nothing is not kept.

    def construct_change_message(self, request, form, formsets, add):
        notes = _form_notes(form, formsets, add)
        restore = getattr(request, "kb_restore", None)
        if restore:
            notes = [*_restore_notes(self.model, restore), *notes]
        request.kb_unchanged = not notes
        request.kb_notes = [*notes, *getattr(request, "kb_notes", [])]
        return log_text(notes) if notes else []

    def log_note(self, request, obj, note: dict) -> None:
        """Log and keep with the save's revision something done besides the form's changes."""
        request.kb_notes = [*getattr(request, "kb_notes", []), note]
        super().log_change(request, obj, log_text([note]))

    def log_change(self, request, obj, message):
        if message == [] and getattr(request, "kb_unchanged", False):
            return None  # nothing changed: no entry (the save itself is undone)
        return super().log_change(request, obj, message)

    def saved_nothing(self, request) -> bool:
        return getattr(request, "kb_unchanged", False) and not getattr(request, "kb_notes", [])

    @contextmanager
    def create_revision(self, request):
        with super().create_revision(request):
            yield
            if self.saved_nothing(request):
                transaction.set_rollback(True)  # no empty "no fields changed" entry
            elif getattr(request, "kb_notes", None) and is_active():
                set_comment(json.dumps(request.kb_notes, cls=DjangoJSONEncoder))

    def response_change(self, request, obj):
        restore = getattr(request, "kb_restore", None)
        if restore:
            self.message_user(
                request,
                _("“%(object)s” is restored to the version saved on %(date)s.")
                % {
                    "object": obj,
                    "date": localize(template_localtime(restore["version"].revision.date_created)),
                },
                messages.SUCCESS,
            )
            if restore["skipped"]:
                self.message_user(
                    request,
                    " ".join(skipped_text(row, done=True) for row in restore["skipped"]),
                    messages.WARNING,
                )
            request.kb_quiet = True  # instead of "was changed successfully"
        elif self.saved_nothing(request):
            request.kb_quiet = True  # not "was changed successfully"
            if not getattr(request, "kb_told", False):
                self.message_user(
                    request,
                    _("Nothing was changed, so “%(object)s” was not saved again.")
                    % {"object": obj},
                    messages.INFO,
                )
        return super().response_change(request, obj)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "kb_quiet", False) and level == messages.SUCCESS:
            return
        request.kb_told = True
        super().message_user(request, message, level, *args, **kwargs)


def _has_places(model) -> bool:
    return any(f.name == "order" for f in model._meta.concrete_fields) and any(
        isinstance(c, models.UniqueConstraint) and "order" in c.fields
        for c in model._meta.constraints
    )


def _place(rows: list[Version]) -> None:
    """Rows of one owner in one revision, with the places they were given (see with_places)."""
    if not rows or "order" not in rows[0].field_dict:
        return
    for row, placed in zip(rows, with_places([row.field_dict for row in rows]), strict=True):
        row.field_dict["order"] = placed["order"]


def _gone(obj: models.Model) -> list[str]:
    """The links of `obj` (as a revision holds it) to objects deleted since."""
    return [
        field.name
        for field in obj._meta.concrete_fields
        if field.many_to_one
        and getattr(obj, field.attname) is not None
        and not field.related_model._base_manager.filter(pk=getattr(obj, field.attname)).exists()
    ]


def _drop_deleted_links(saved) -> None:
    """Leave out of a deserialized object's many-to-many links those to objects deleted since
    (an article): the rest is restored, and no link points nowhere."""
    for name, pks in saved.m2m_data.items():
        related = saved.object._meta.get_field(name).related_model._base_manager
        existing = set(related.filter(pk__in=pks).values_list("pk", flat=True))
        saved.m2m_data[name] = [pk for pk in pks if pk in existing]


def _saved(row: Version, ordered: bool) -> bool:
    """Save a row as its revision holds it; False if it clashes with another row or links to
    an object deleted since. Its links to articles deleted since are left out."""
    saved = row._object_version
    if ordered:
        saved.object.order = row.field_dict["order"]
    if _gone(saved.object):
        return False  # checked here: the database checks links only at the commit
    _drop_deleted_links(saved)
    try:
        with transaction.atomic():
            saved.save()
    except (IntegrityError, ValidationError):
        return False
    return True


def _clash(model, fk, row: Version) -> dict:
    """A row left as it is, as a history note: which row holds what it would take."""
    obj = row._object_version.object
    note = {"model": model._meta.label_lower, "object": row_name(row.object_repr)}
    if gone := _gone(obj):
        return {**note, "gone": gone}
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or "order" in constraint.fields:
            continue
        fields = [model._meta.get_field(name) for name in constraint.fields]
        values = {field.attname: getattr(obj, field.attname) for field in fields}
        other = model._base_manager.filter(**values).exclude(pk=obj.pk).first()
        if other is not None:
            note["fields"] = [field.name for field in fields if field != fk]
            note["other"] = row_name(str(other))
            break
    return note


def _state_token(snapshot: tuple[dict, dict]) -> str:
    """A fingerprint of the object and its rows as `_snapshot` read them (many-to-many links
    included): the restore page keeps it, to notice a save made since it was shown."""
    obj, rows = snapshot
    listed = sorted(
        ([model._meta.label_lower, pk, values] for (model, pk), (_name, values) in rows.items()),
        key=lambda row: (row[0], row[1]),
    )
    return fingerprint(json.dumps([obj, listed], sort_keys=True, cls=DjangoJSONEncoder))


def _after_the_rest(rows) -> None:
    """Rows still moved out of the way (added since the revision) go after the others."""
    last = rows.filter(order__lt=PARKING).aggregate(last=Max("order"))["last"] or 0
    for step, pk in enumerate(
        rows.filter(order__gte=PARKING).order_by("order").values_list("pk", flat=True)
    ):
        rows.model.objects.filter(pk=pk).update(order=last + step + 1)


def _form_notes(form, formsets, add: bool) -> list[dict]:
    """The form's changes, as Django's change message holds them, with field names."""
    model = form._meta.model
    if add:
        return [{"added": {"model": model._meta.label_lower}}]
    notes = []
    if fields := note_fields(model, form.changed_data):
        notes.append({"changed": {"model": model._meta.label_lower, "fields": fields}})
    for formset in formsets:
        label = formset.model._meta.label_lower
        for obj in formset.new_objects:
            notes.append({"added": {"model": label, "object": str(obj)}})
        for obj, changed in formset.changed_objects:
            if fields := note_fields(formset.model, changed):
                notes.append({"changed": {"model": label, "object": str(obj), "fields": fields}})
        for obj in formset.deleted_objects:
            notes.append({"deleted": {"model": label, "object": str(obj)}})
    return notes


def _restore_notes(model, restore: dict) -> list[dict]:
    notes = [{"restored": {"date": restore["version"].revision.date_created.isoformat()}}]
    own = [row["name"] for row in restore["diff"] if "row" not in row]
    if own:
        notes.append({"changed": {"model": model._meta.label_lower, "fields": own}})
    rows = defaultdict(list)
    for row in restore["diff"]:
        if "row" in row:
            rows[row["model"]._meta.label_lower, row["row"]].append(row["name"])
    for (label, name), fields in rows.items():
        notes.append({"changed": {"model": label, "object": name, "fields": fields}})
    notes += [{"skipped": row} for row in restore.get("skipped", [])]
    return notes
