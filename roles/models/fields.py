"""Text fields that store Unix line ends, whichever way a text arrives: a browser posts a
textarea's lines with CR LF, an import or a script may bring lone CRs. Saving an unchanged form
then changes nothing, and no comparison sees a line-end-only difference."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.fields import TranslationFieldDescriptor

from roles.texts import unix_line_ends

# Control characters a text cannot hold once its line ends are LF (a tab excepted): PostgreSQL
# refuses NUL, and an exported XML or PO file the others.
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def no_control_characters(value: str) -> None:
    found = CONTROL.search(value or "")
    if found:
        raise ValidationError(
            _("Remove the control character U+%(code)04X: texts cannot hold it."),
            code="control_character",
            params={"code": ord(found[0])},
        )


class LineEndsFormField(forms.CharField):
    """A form's text with Unix line ends: a posted text that differs from the stored one only by
    its line ends has not changed. A control character is refused."""

    default_validators = [no_control_characters]

    def to_python(self, value):
        return unix_line_ends(super().to_python(value))


class UnixLineEnds:
    """For a model's text field: the value is cleaned on the form, on the instance when it is
    saved, and in every query that writes it (update(), bulk_create(), bulk_update())."""

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        clean = unix_line_ends(value)
        # Not through a translated field's own name (`career`): modeltranslation reads it along
        # the fallback chain and writes the active language's column, which would take another
        # language's text. Its per-language columns are cleaned on their own.
        translated = isinstance(
            getattr(type(model_instance), self.attname, None), TranslationFieldDescriptor
        )
        if clean is not value and not translated:
            setattr(model_instance, self.attname, clean)
        return clean

    def get_prep_value(self, value):
        return unix_line_ends(super().get_prep_value(value))

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", LineEndsFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        # Not part of the schema: migrations see Django's own field.
        name, _path, args, kwargs = super().deconstruct()
        base = next(c for c in type(self).__mro__ if c.__module__ == "django.db.models.fields")
        return name, f"django.db.models.{base.__name__}", args, kwargs


class UnixCharField(UnixLineEnds, models.CharField):
    pass


class UnixTextField(UnixLineEnds, models.TextField):
    pass
