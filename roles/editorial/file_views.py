"""Admin pages for translators' files: export PO or XLIFF, import either after a dry-run preview.
An upload is parsed once and its entries kept in the database for the confirm step, which posts
only the upload's id (roles.editorial.uploads: tied to the user, expiring, applied at most once).
Confirming checks it all again, so a file that no longer fits the database changes nothing."""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from roles.editorial import file_formats, uploads
from roles.editorial.permissions import may_translate
from roles.editorial.translation_files import (
    MISSING,
    OUTDATED,
    UNREVIEWED,
    TranslationFileError,
    export_po,
    export_xliff,
)
from roles.languages import language_name, translation_languages

DOWNLOADS = {
    "po": (export_po, "po", "text/x-gettext-translation; charset=utf-8"),
    "xliff": (export_xliff, "xlf", "application/xliff+xml; charset=utf-8"),
}


def _language_choices():
    return [(code, language_name(code)) for code in translation_languages()]


class ExportForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=_language_choices)
    only = forms.ChoiceField(
        label=gettext_lazy("Texts"),
        required=False,
        choices=[
            ("", gettext_lazy("all texts")),
            (MISSING, gettext_lazy("missing only")),
            (OUTDATED, gettext_lazy("outdated only")),
            (UNREVIEWED, gettext_lazy("unreviewed only")),
        ],
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("po", gettext_lazy("PO (gettext)")), ("xliff", gettext_lazy("XLIFF 2.0"))],
        initial="po",
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Translated file (PO or XLIFF)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A file exported here (or with export_translations) and translated: at most "
            "%(size)s and %(entries)d entries."
        ) % {
            "size": file_formats.size_text(file_formats.max_bytes()),
            "entries": settings.TRANSLATION_FILE_MAX_ENTRIES,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read, let alone parsed.
        if upload.size > file_formats.max_bytes():
            raise forms.ValidationError(file_formats.too_large(upload.size))
        return upload


class ConfirmForm(forms.Form):
    upload = forms.UUIDField(widget=forms.HiddenInput)


def _page(request, template: str, title: str, status: int = 200, **context) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title, **context}
    return render(request, f"admin/translation_files/{template}", context, status=status)


# The files hold every text, drafts too: for the accounts that may view the content in admin.
@staff_member_required
@permission_required("roles.view_role", raise_exception=True)
@require_http_methods(["GET", "HEAD"])
def export_view(request) -> HttpResponse:
    form = ExportForm(request.GET if "language" in request.GET else None)
    if not form.is_valid():
        return _page(request, "export.html", _("Export texts for translators"), form=form)
    language, only = form.cleaned_data["language"], form.cleaned_data["only"] or None
    export, extension, content_type = DOWNLOADS[form.cleaned_data["format"]]
    response = HttpResponse(str(export(language=language, only=only)), content_type=content_type)
    name = f"content-{language}{f'-{only}' if only else ''}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_member_required
@permission_required("roles.view_role", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request) -> HttpResponse:
    """Upload → preview (a dry run) → confirm (checked again, then applied)."""
    if request.method != "POST":
        return _import_page(request)
    # Before the upload is looked at: an account that may translate nothing is refused at once.
    if not any(may_translate(request.user, code) for code in translation_languages()):
        return _import_page(request, [_may_not()], status=403)
    return _confirm(request) if "upload" in request.POST else _preview(request)


def _preview(request) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, _form_errors(form))
    file, may_import = form.cleaned_data["file"], partial(may_translate, request.user)
    try:
        parsed = file_formats.read(file.read(), name=file.name, may_import=may_import)
        preview = uploads.preview_upload(user=request.user, parsed=parsed, file_name=file.name)
    except file_formats.LanguageRefused as refused:
        return _refused(request, refused.language)
    except TranslationFileError as error:
        return _import_page(request, error.errors, more=error.more)
    confirm = ConfirmForm(initial={"upload": preview.upload.pk}) if preview.upload else None
    return _page(
        request,
        "import_preview.html",
        _("Import translations"),
        report=preview.report,
        confirm=confirm,
        language_name=language_name(parsed.language),
        minutes=settings.TRANSLATION_UPLOAD_SECONDS // 60,
    )


def _confirm(request) -> HttpResponse:
    form = ConfirmForm(request.POST)
    upload_id = form.cleaned_data["upload"] if form.is_valid() else None
    try:
        upload = uploads.find_upload(user=request.user, upload_id=upload_id)
        if not may_translate(request.user, upload.language):
            return _refused(request, upload.language)
        report = uploads.apply_upload(upload=upload, user=request.user)
    except uploads.UploadGone:
        return _import_page(request, [_gone()], status=404)
    except uploads.UploadExpired as expired:
        return _import_page(request, [_expired(expired.upload.file_name)], status=410)
    except TranslationFileError as error:
        return _import_page(request, error.errors, more=error.more)
    messages.success(request, _done(report))
    return redirect("translation-files-import")


def _refused(request, language: str) -> HttpResponse:
    return _import_page(request, [_may_not(language)], status=403)


def _may_not(language: str | None = None) -> str:
    if language is None:
        return _("You may not import texts in any language.")
    return _("You may not import texts in %(language)s.") % {"language": language_name(language)}


def _expired(name: str) -> str:
    minutes = settings.TRANSLATION_UPLOAD_SECONDS // 60
    return ngettext(
        "The upload of %(name)s expired: it is kept for %(minutes)d minute only. Nothing was "
        "imported; upload the file again to see its preview.",
        "The upload of %(name)s expired: it is kept for %(minutes)d minutes only. Nothing was "
        "imported; upload the file again to see its preview.",
        minutes,
    ) % {"name": name, "minutes": minutes}


def _gone() -> str:
    return _(
        "This upload is not kept any more: it was imported already, or it expired. Nothing was "
        "imported now; check the texts, or upload the file again."
    )


def _import_page(
    request, errors: list[str] | None = None, status: int = 200, more: int = 0
) -> HttpResponse:
    return _page(
        request,
        "import.html",
        _("Import translations"),
        status,
        form=UploadForm(),
        errors=errors or [],
        more=more,
    )


def _form_errors(form: forms.Form) -> list[str]:
    return [message for messages_ in form.errors.values() for message in messages_]


def _done(report) -> str:
    language = language_name(report.language)
    if not report.changes and not report.confirmed:
        return _("Nothing to change: the file's %(language)s texts are those of the site.") % {
            "language": language
        }
    count = len(report.changes) + len(report.confirmed)
    return ngettext(
        "%(count)d %(language)s text imported; it is unreviewed.",
        "%(count)d %(language)s texts imported; they are unreviewed.",
        count,
    ) % {"count": count, "language": language}


def urls() -> list:
    """The pages, to be included at admin/translation-files/ (before the admin's URLs)."""
    return [
        path("export/", export_view, name="translation-files-export"),
        path("import/", import_view, name="translation-files-import"),
    ]
