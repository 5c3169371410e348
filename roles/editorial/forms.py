"""The content forms' rules: locked fields, the source text under each translation, and edits
that never overwrite each other."""

import json

from django import forms
from django.conf import settings
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Version

from roles.completeness import text_fields
from roles.editorial import translation_status
from roles.editorial.history import field_changes
from roles.languages import language_name, languages


def state_token(obj: models.Model) -> str:
    """A fingerprint of what an object holds now: a form remembers it, to notice later saves."""
    values = {
        field.attname: field.value_to_string(obj)
        for field in obj._meta.concrete_fields
        if not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    }
    return translation_status.fingerprint(json.dumps(values, sort_keys=True))


class EditorialForm(forms.ModelForm):
    """The rules every content form follows, main form and inline rows alike: it disables what the
    user may not change (and refuses a POST that changes it anyway), shows the source text under
    each translation, and refuses to save over a change saved since it was opened (`edit_token`)."""

    locked: set[str] = set()
    checks = None  # the page's checks and termbase (roles.editorial.checks.admin; get_form sets it)
    user = None
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.locked & set(self.fields):
            self.fields[name].disabled = True
        if self.instance.pk:
            self.fields["edit_token"].initial = state_token(self.instance)
            self._show_sources()
            if self.checks is not None:
                self.checks.annotate(self, self.user)

    def _show_sources(self):
        for field in text_fields(type(self.instance)):
            source = translation_status.value(self.instance, field, settings.LANGUAGE_CODE)
            for code in languages():
                name = build_localized_fieldname(field, code)
                if code != settings.LANGUAGE_CODE and name in self.fields and source:
                    self.fields[name].help_text = format_html(
                        '<span class="kb-source"><strong>{}:</strong> {}</span>',
                        _("Source text, %(language)s")
                        % {"language": language_name(settings.LANGUAGE_CODE)},
                        source,
                    )

    def clean(self):
        cleaned = super().clean()
        self._refuse_locked_changes()
        token = self.data.get(self.add_prefix("edit_token"))
        if self.instance.pk and token and token != state_token(self.instance):
            raise forms.ValidationError(
                format_html(
                    "{}<ul>{}</ul>",
                    _(
                        "Someone else saved “%(object)s” after you opened this page. Your changes "
                        "were not saved; here is what they changed. Reload the page to edit "
                        "their version."
                    )
                    % {"object": self.instance},
                    format_html_join(
                        "", "<li>{}</li>", ((line,) for line in self.their_changes(token))
                    ),
                ),
                code="stale",
            )
        return cleaned

    def _refuse_locked_changes(self):
        for name in sorted(self.locked & set(self.fields)):
            field = self.fields[name]
            if self.add_prefix(name) not in self.data:
                continue
            posted = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            field.disabled = False
            try:
                changed = field.has_changed(self.get_initial_for_field(field, name), posted)
            finally:
                field.disabled = True
            if changed:
                raise forms.ValidationError(
                    _("You may not change “%(field)s”: it is not yours to edit.")
                    % {"field": field.label},
                    code="locked",
                )

    def their_changes(self, token: str) -> list[str]:
        """What changed between the state the user opened and the one saved since."""
        versions = list(
            Version.objects.get_for_object(self.instance).select_related("revision__user")
        )
        opened = next((v for v in versions if state_token(v._object_version.object) == token), None)
        lines = []
        if opened is None:
            lines.append(str(_("(the version you opened is not in the history)")))
        else:
            now = {
                f.attname: getattr(self.instance, f.attname)
                for f in self.instance._meta.concrete_fields
            }
            for row in field_changes(type(self.instance), opened.field_dict, now):
                lines.append(
                    format_html(
                        _("{field}: “{old}” → “{new}”"),
                        field=row["field"],
                        old=str(row["old"] or "")[:200],
                        new=str(row["new"] or "")[:200],
                    )
                )
        if versions and versions[0].revision.user:
            latest = versions[0].revision
            lines.append(format_html(_("Saved by {} at {}"), latest.user, latest.date_created))
        return lines
