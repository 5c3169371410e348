"""Which texts are missing in which language: empty there but filled in another, so a translator
has to write them. modeltranslation's fallbacks hide such gaps from readers, so editors need them
spelled out (and filters must look at the language's own column)."""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from roles.languages import languages

# Translated fields that are not texts to translate.
NOT_TEXT = {"origin"}


def text_fields(model: type[models.Model]) -> list[str]:
    """The translated text fields of a model, in declaration order (none if it has none).
    modeltranslation keeps them in a set, whose order changes from one process to the next."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return []
    return sorted(
        (name for name in options.fields if name not in NOT_TEXT),
        key=lambda name: model._meta.get_field(name).creation_counter,
    )


def _empty(column: str) -> Q:
    return Q(**{f"{column}__isnull": True}) | Q(**{column: ""})


def missing_q(model: type[models.Model], language: str) -> Q:
    """A filter for the objects of `model` with at least one text missing in `language`."""
    conditions = []
    for field in text_fields(model):
        filled_elsewhere = reduce(
            or_,
            (
                ~_empty(build_localized_fieldname(field, other))
                for other in languages()
                if other != language
            ),
        )
        conditions.append(_empty(build_localized_fieldname(field, language)) & filled_elsewhere)
    return reduce(or_, conditions)


def missing_fields(obj: models.Model, language: str) -> list[str]:
    """The text fields of `obj` that are missing in `language`."""
    missing = []
    for field in text_fields(type(obj)):
        values = {
            code: getattr(obj, build_localized_fieldname(field, code)) for code in languages()
        }
        if not values[language] and any(values[code] for code in values if code != language):
            missing.append(field)
    return missing
