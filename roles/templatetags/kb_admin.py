"""Template tags of the editors' admin: the one switch for the language of a form's texts."""

from django import template
from django.utils.translation import get_language

from roles.editorial.permissions import may_translate
from roles.languages import languages, native_name

register = template.Library()


def default_text_language(user) -> str:
    """The language a form's texts open in: a translator's own language (the first, for one who
    translates several but not all), else the admin's language."""
    codes = languages()
    own = [code for code in codes if may_translate(user, code)]
    if own and len(own) < len(codes):
        return own[0]
    current = get_language()
    return current if current in codes else codes[0]


@register.inclusion_tag("admin/roles/text_language_switch.html", takes_context=True)
def text_language_switch(context):
    user = context["request"].user
    return {
        "user_id": user.pk,
        "default": default_text_language(user),
        "choices": [(code, native_name(code)) for code in languages()],
    }
