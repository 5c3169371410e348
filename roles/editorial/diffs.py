"""What changed, in the words of the reader's admin: fields named by their labels, values as the
form shows them (a choice's label, a linked object's name), and the notes a revision keeps of its
save, kept as field names so that each reader sees them in their own language."""

import json

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.formats import localize
from django.utils.functional import lazy
from django.utils.text import Truncator, capfirst, get_text_list
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from roles.completeness import text_fields
from roles.editorial.checks.rules import CHECKS
from roles.languages import language_name
from roles.models.content import PARKING
from roles.texts import unix_line_ends

# Set by the database on every save: no editor changes them.
TIMESTAMPS = {"created_at", "updated_at"}

# Comments of revisions made outside admin, to show in the reader's language.
KNOWN_COMMENTS = {"Loaded from the seed files": _("Loaded from the seed files")}


def _translated_label(base, code: str) -> str:
    return gettext("%(field)s (%(language)s)") % {
        "field": capfirst(base),
        "language": dict(settings.LANGUAGES)[code],
    }


_translated_label_lazy = lazy(_translated_label, str)


def field_label(model: type[models.Model], name: str):
    """How the admin names a field, lazily (in the language of whoever reads it): a translated
    column is its field's label and its language, "Body (Norwegian Bokmål)"."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    base = getattr(field, "translated_field", None)
    if base is not None:
        return _translated_label_lazy(base.verbose_name, field.language)
    return capfirst(getattr(field, "verbose_name", name))


def shown(model: type[models.Model], name: str, value):
    """A stored value as an editor knows it: a choice's label, a linked object's name, yes/no."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if value is None or value == "" or value == []:
        return ""
    if field.choices and not isinstance(field, models.SlugField):
        # A key (a slug, in permalinks) is shown as it is: its choice's label is a role's title.
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if field.many_to_many or field.many_to_one:
        related = field.related_model._base_manager.in_bulk(
            value if isinstance(value, list) else [value]
        )
        names = [str(related.get(_pk(field.related_model, pk), pk)) for pk in _list(value)]
        return ", ".join(sorted(names))
    return value


def _pk(model, value):
    try:
        return model._meta.pk.to_python(value)
    except Exception:  # noqa: BLE001 - a stored id that no longer parses: shown as it is
        return value


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def comparable(value):
    """Values as stored and as read compare equal: many-to-many ids in any order, None as "",
    texts whatever their line ends (revisions from before 0014 hold a browser's CR LF)."""
    if isinstance(value, list | tuple | set):
        return sorted(str(item) for item in value)
    return "" if value is None else unix_line_ends(value)


def untranslated(model: type[models.Model]) -> set[str]:
    """The shadow columns of translated fields (`body` beside its per-language columns), never
    shown."""
    names = set(text_fields(model))
    try:
        model._meta.get_field("origin_" + settings.LANGUAGE_CODE)
    except FieldDoesNotExist:
        return names
    return names | {"origin"}


def field_changes(model: type[models.Model], before: dict, after: dict) -> list[dict]:
    """What changed between two saved states of an object: per field and language, each named
    by its label and with its values as the admin shows them."""
    hidden = TIMESTAMPS | untranslated(model) | {model._meta.pk.attname}
    rows = []
    for name in after:
        if name in hidden:
            continue
        old, new = before.get(name), after.get(name)
        if comparable(old) != comparable(new):
            rows.append(
                {
                    "name": name,
                    "field": field_label(model, name),
                    "old": shown(model, name, old),
                    "new": shown(model, name, new),
                }
            )
    return rows


def state(obj: models.Model) -> dict:
    """An object's fields as a revision's `field_dict` holds them (many-to-many as ids)."""
    values = {field.attname: field.value_from_object(obj) for field in obj._meta.concrete_fields}
    for field in obj._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:
            values[field.attname] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def with_places(field_dicts: list[dict]) -> list[dict]:
    """Rows of one owner as a revision holds them, with the places they were given: a revision
    of an earlier seed load may hold the loader's temporary places (PARKING…) for some rows, which
    keep the order they were given; such rows go after the others (after the largest place that
    is not a parking place), in that order."""
    parked = sorted(
        (row for row in field_dicts if (row.get("order") or 0) >= PARKING),
        key=lambda row: row["order"],
    )
    if not parked:
        return field_dicts
    kept = [row.get("order") or 0 for row in field_dicts if (row.get("order") or 0) < PARKING]
    last = max(kept, default=0)
    places = {id(row): place for place, row in enumerate(parked, start=last + 1)}
    return [{**row, "order": places[id(row)]} if id(row) in places else row for row in field_dicts]


# Notes of a save, kept as the revision's comment: fields by name, rows by model and name.


def row_name(name: str) -> str:
    """A row as a history names it: its text, cut short."""
    return Truncator(name).chars(60)


def note_fields(model: type[models.Model], names) -> list[str]:
    return [name for name in names if name not in TIMESTAMPS and name != "edit_token"]


def describe(comment: str) -> str:
    """A revision's comment in the reader's language."""
    if comment in KNOWN_COMMENTS:
        return str(KNOWN_COMMENTS[comment])
    if not comment.startswith("["):
        return comment
    try:
        notes = json.loads(comment)
    except ValueError:
        return comment
    if not isinstance(notes, list):
        return comment
    return " ".join(filter(None, map(_describe_note, _grouped(notes))))


def _grouped(notes: list) -> list[dict]:
    """Rows changed alike, told once ("Changed Order for 8 duties.")."""
    grouped, alike = [], {}
    for note in notes:
        if not isinstance(note, dict):
            continue
        detail = note.get("changed")
        if isinstance(detail, dict) and "object" in detail:
            key = (detail.get("model"), tuple(detail.get("fields", [])))
            if key in alike:
                alike[key]["count"] = alike[key].get("count", 1) + 1
                continue
            alike[key] = detail = {**detail}
            note = {"changed": detail}
        grouped.append(note)
    return grouped


def _model(label) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _describe_note(note: dict) -> str:
    if "restored" in note:
        when = parse_datetime(str(note["restored"].get("date", "")))
        return gettext("Restored the version saved on %(date)s.") % {
            "date": localize(template_localtime(when)) if when else "?"
        }
    if "imported" in note:
        detail = note["imported"]
        message = (
            gettext("Imported the %(language)s translations from an XLIFF file.")
            if detail.get("format") == "xliff"
            else gettext("Imported the %(language)s translations from a PO file.")
        )
        return message % {"language": language_name(str(detail.get("language", "")))}
    if "published" in note:
        return gettext("Published version %(number)s.") % {"number": note["published"]["number"]}
    if "dismissed" in note:
        return _dismissed_text(note["dismissed"] or {})
    if "skipped" in note:
        return skipped_text(note["skipped"] or {}, done=True)
    for action in ("added", "changed", "deleted"):
        if action in note:
            return _describe_change(action, note[action] or {})
    return ""


def _dismissed_text(detail: dict) -> str:
    model = _model(detail.get("model"))
    name = str(detail.get("field", ""))
    check = CHECKS.get(str(detail.get("check", "")))
    return gettext("Dismissed the warning “%(check)s” on %(field)s (%(language)s): %(reason)s") % {
        "check": check.title if check else detail.get("check", ""),
        "field": field_label(model, name) if model else name,
        "language": language_name(str(detail.get("language", "")))
        if detail.get("language") in dict(settings.LANGUAGES)
        else detail.get("language", ""),
        "reason": detail.get("reason", ""),
    }


def _describe_change(action: str, detail: dict) -> str:
    model = _model(detail.get("model"))
    fields = get_text_list(
        [str(field_label(model, name)) if model else name for name in detail.get("fields", [])],
        gettext("and"),
    )
    if "object" not in detail:  # the object itself
        if action == "added":
            return gettext("Added.")
        return gettext("Changed {fields}.").format(fields=fields) if fields else ""
    # Django's own change messages, translated in its catalogue.
    what = {
        "name": model._meta.verbose_name if model else detail.get("model", ""),
        "object": detail["object"],
        "fields": fields,
    }
    if action == "added":
        return gettext("Added {name} “{object}”.").format(**what)
    if action == "deleted":
        return gettext("Deleted {name} “{object}”.").format(**what)
    if detail.get("count", 1) > 1 and model:
        return ngettext(
            "Changed %(fields)s for %(count)d %(name)s.",
            "Changed %(fields)s for %(count)d %(name)s.",
            detail["count"],
        ) % {**what, "count": detail["count"], "name": model._meta.verbose_name_plural}
    return gettext("Changed {fields} for {name} “{object}”.").format(**what)


def skipped_text(detail: dict, *, done: bool) -> str:
    """A row a restore leaves as it is, and why: before the restore (done=False) or after."""
    model = _model(detail.get("model"))
    what = {
        "name": capfirst(model._meta.verbose_name) if model else detail.get("model", ""),
        "object": detail.get("object", ""),
        "other": detail.get("other", ""),
        "fields": get_text_list(
            [_verbose_name(model, name) for name in detail.get("fields", [])], gettext("and")
        ),
    }
    if detail.get("gone"):
        what["fields"] = get_text_list(
            [_verbose_name(model, name) for name in detail["gone"]], gettext("and")
        )
        message = (
            gettext("%(name)s “%(object)s” was not restored: the %(fields)s it names was deleted.")
            if done
            else gettext(
                "%(name)s “%(object)s” cannot be restored: the %(fields)s it names has been "
                "deleted."
            )
        )
    elif not what["other"]:
        message = (
            gettext("%(name)s “%(object)s” was not restored: it clashed with another row.")
            if done
            else gettext("%(name)s “%(object)s” cannot be restored: it clashes with another row.")
        )
    elif done:
        message = gettext(
            "%(name)s “%(object)s” was not restored: “%(other)s” has the same %(fields)s."
        )
    else:
        message = gettext(
            "%(name)s “%(object)s” cannot be restored: “%(other)s” now has the same %(fields)s."
        )
    return message % what


def _verbose_name(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return name


def log_text(notes: list[dict]) -> list[dict] | str:
    """The notes as the admin's log keeps a change message: Django's own form (rendered in the
    reader's language by the log), with fields named by their labels in the saver's."""
    message = []
    for note in notes:
        if "restored" in note or "published" in note:
            return describe(json.dumps(notes))
        action, detail = next(iter(note.items()))
        model = _model(detail.get("model"))
        entry = {}
        if "object" in detail:
            entry = {
                "name": str(model._meta.verbose_name) if model else "",
                "object": detail["object"],
            }
        if detail.get("fields"):
            entry["fields"] = [
                str(field_label(model, name)) if model else name for name in detail["fields"]
            ]
        message.append({action: entry})
    return message
