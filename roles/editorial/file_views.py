"""Admin pages for translators' files: export PO or XLIFF, import PO after a dry-run preview.
The preview carries the file's text in a hidden field (base64; not on disk, not in the session);
confirming checks it all again, so a file that no longer fits the database changes nothing."""

import base64
import binascii

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from roles.editorial.translation_files import (
    MISSING,
    OUTDATED,
    UNREVIEWED,
    TranslationFileError,
    export_po,
    export_xliff,
    import_po,
    read_language,
)
from roles.languages import language_name, translation_languages

MAX_UPLOAD = 5 * 1024 * 1024
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
    file = forms.FileField(
        label=gettext_lazy("PO file"),
        help_text=gettext_lazy(
            "A file exported here (or with export_translations) and translated."
        ),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class ConfirmForm(forms.Form):
    content = forms.CharField(widget=forms.HiddenInput)

    def clean_content(self) -> str:
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise forms.ValidationError(
                _("The file's text was damaged: upload it again.")
            ) from None


def _page(request, template: str, title: str, status: int = 200, **context) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title, **context}
    return render(request, f"admin/translation_files/{template}", context, status=status)


@staff_member_required
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
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request) -> HttpResponse:
    """Upload → preview (a dry run) → confirm (checked again, then applied)."""
    if request.method != "POST":
        return _import_page(request)
    confirming = "content" in request.POST
    form = ConfirmForm(request.POST) if confirming else UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, _form_errors(form))
    text = form.cleaned_data["content" if confirming else "file"]
    try:
        language = read_language(path_or_text=text)
        if not request.user.has_perm(f"roles.translate_{language}"):
            refused = _("You may not import texts in %(language)s.")
            return _import_page(
                request, [refused % {"language": language_name(language)}], status=403
            )
        report = import_po(path_or_text=text, dry_run=not confirming, user=request.user)
    except TranslationFileError as error:
        return _import_page(request, error.errors)
    if confirming:
        messages.success(request, _done(report))
        return redirect("translation-files-import")
    confirm = ConfirmForm(initial={"content": base64.b64encode(text.encode()).decode("ascii")})
    return _page(
        request,
        "import_preview.html",
        _("Import translations"),
        report=report,
        confirm=confirm,
        language_name=language_name(language),
    )


def _import_page(request, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    return _page(
        request,
        "import.html",
        _("Import translations"),
        status,
        form=UploadForm(),
        errors=errors or [],
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
