"""Texts saved through the admin before 0014 hold the browser's CR LF line ends: make them LF, in
the content and in published versions (whose texts are stored by digest, so a cleaned text gets
its new digest, and the versions holding it their new fingerprints)."""

from django.db import migrations, models
from django.db.models import Q

from roles.texts import unix_line_ends
from roles.versions.publishing import digest, fingerprint, page_fingerprints, with_digests


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
    for version in RoleVersion.objects.all():
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
