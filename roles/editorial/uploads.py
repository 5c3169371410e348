"""Translators' uploads between the preview and the confirm step. A previewed file that would
change something is kept (PendingImport) for its confirm step, which names it by id only: it is
the uploader's alone, expires after TRANSLATION_UPLOAD_SECONDS and is applied at most once. A user
has one kept upload at most: a new preview replaces the earlier ones."""

from dataclasses import dataclass
from uuid import UUID

from django.db import transaction

from roles.editorial.file_formats import ParsedFile
from roles.editorial.translation_files import ImportReport, import_entries
from roles.models import PendingImport


class UploadGone(Exception):
    """No such upload for this user: applied already, replaced, cleaned up, or another user's."""


class UploadExpired(Exception):
    """The upload was kept too long, and is now deleted."""

    def __init__(self, upload: PendingImport):
        self.upload = upload
        super().__init__(upload.file_name)


@dataclass(frozen=True)
class Preview:
    report: ImportReport
    # Kept for the confirm step; None when the file would change nothing.
    upload: PendingImport | None


def preview_upload(*, user, parsed: ParsedFile, file_name: str) -> Preview:
    """What the file would change (a dry run: TranslationFileError if it cannot be applied),
    and the upload kept for its confirm step if it would change anything."""
    report = import_entries(parsed, dry_run=True, user=user)
    with transaction.atomic():
        PendingImport.objects.expired().delete()
        PendingImport.objects.filter(user=user).delete()
        if not (report.changes or report.confirmed):
            return Preview(report, None)
        upload = PendingImport.objects.create(
            user=user,
            file_name=file_name[-255:],
            format=parsed.format,
            language=parsed.language,
            entries=parsed.to_json(),
        )
    return Preview(report, upload)


def find_upload(*, user, upload_id: UUID | None) -> PendingImport:
    """The user's kept upload. UploadGone if there is none by that id (another user's is as
    unknown as one applied already); UploadExpired, deleting it, if it was kept too long."""
    upload = PendingImport.objects.filter(pk=upload_id, user=user).first() if upload_id else None
    PendingImport.objects.expired().exclude(pk=getattr(upload, "pk", None)).delete()
    if upload is None:
        raise UploadGone
    if upload.expired:
        upload.delete()
        raise UploadExpired(upload)
    return upload


def apply_upload(*, upload: PendingImport, user) -> ImportReport:
    """Check the kept entries against the database again and apply them, in one transaction.
    The upload is taken by deleting it, so a second confirm (a double click, another tab) raises
    UploadGone; should the file no longer fit (TranslationFileError), it stays kept."""
    parsed = ParsedFile.from_json(
        format=upload.format, language=upload.language, entries=upload.entries
    )
    with transaction.atomic():
        if not PendingImport.objects.filter(pk=upload.pk).delete()[0]:
            raise UploadGone
        return import_entries(parsed, dry_run=False, user=user)
