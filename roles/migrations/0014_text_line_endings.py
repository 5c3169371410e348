"""Texts saved through the admin before 0014 hold the browser's CR LF line ends: make them LF, in
the content and in published versions (whose texts are stored by digest, so a cleaned text gets
its new digest, and the versions holding it their new fingerprints)."""

import base64
import hashlib
import json

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from modeltranslation.utils import resolution_order

# The versions' formats as they are at this migration (roles/versions/publishing.py), copied:
# the migration must do tomorrow what it does today.


def unix_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def digest(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest())[:22].decode()


def fingerprint(content) -> str:
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def is_text(value) -> bool:
    return isinstance(value, dict) and set(value) <= {code for code, _name in settings.LANGUAGES}


def with_digests(value, digests: dict[str, str]):
    if is_text(value):
        return {code: digests.get(key, key) for code, key in value.items()}
    if isinstance(value, dict):
        return {key: with_digests(item, digests) for key, item in value.items()}
    if isinstance(value, list):
        return [with_digests(item, digests) for item in value]
    return value


def shown_in(value, language: str):
    if is_text(value):
        return next((value[code] for code in resolution_order(language) if code in value), "")
    if isinstance(value, dict):
        return {key: shown_in(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [shown_in(item, language) for item in value]
    return value


def page_fingerprints(content) -> dict[str, str]:
    return {code: fingerprint(shown_in(content, code)) for code, _name in settings.LANGUAGES}


def clean_versions(apps, schema_editor):
    VersionText = apps.get_model("roles", "VersionText")
    RoleVersion = apps.get_model("roles", "RoleVersion")
    digests = {}
    for old in VersionText.objects.filter(text__contains="\r"):
        text = unix_line_ends(old.text)
        digests[old.digest] = digest(text)
        VersionText.objects.get_or_create(digest=digests[old.digest], defaults={"text": text})
    if not digests:
        return
    for version in RoleVersion.objects.only("pk", "content").iterator():
        content = with_digests(version.content, digests)
        if content != version.content:
            RoleVersion.objects.filter(pk=version.pk).update(
                content=content,
                fingerprint=fingerprint(content),
                page_fingerprints=page_fingerprints(content),
            )
    VersionText.objects.filter(digest__in=digests).delete()


def clean_content(apps, schema_editor):
    for model in apps.get_app_config("roles").get_models():
        if model._meta.model_name == "versiontext":
            continue
        columns = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField))
        ]
        if not columns:
            continue
        carriage_return = Q()
        for column in columns:
            carriage_return |= Q(**{f"{column}__contains": "\r"})
        for row in model.objects.filter(carriage_return).values("pk", *columns):
            changes = {
                column: unix_line_ends(row[column])
                for column in columns
                if isinstance(row[column], str) and "\r" in row[column]
            }
            model.objects.filter(pk=row["pk"]).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("roles", "0013_derived_models_move_out")]

    operations = [
        migrations.RunPython(clean_versions, migrations.RunPython.noop),
        migrations.RunPython(clean_content, migrations.RunPython.noop),
    ]
