"""Template tags for translated content: show a text, and say when it falls back."""

import json

from django import template
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from roles.texts import text as text_of

register = template.Library()


@register.simple_tag
def text(obj, field, paragraphs=False, steps=False):
    """A translated text; in another language than the page's, marked with its `lang` and a note.

    `paragraphs=True` renders blank-line separated paragraphs as <p> elements; `steps=True` renders
    one list item per line.
    """
    shown = text_of(obj, field)
    if steps:
        lines = [line.strip() for line in shown.value.splitlines() if line.strip()]
        value = format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        )
    elif paragraphs:
        # linebreaks() escapes the text before adding its <p> and <br> elements.
        value = mark_safe(linebreaks(shown.value, autoescape=True))  # noqa: S308
    else:
        value = shown.value
    if not shown.fallback:
        return format_html("{}", value)
    note = format_html(
        '<small class="fallback-note">{}</small>',
        _("Not yet translated: shown in %(language)s.")
        % {"language": get_language_info(shown.language)["name_local"]},
    )
    element = "div" if paragraphs or steps else "span"
    return format_html(
        '<{0} lang="{1}" class="fallback">{2}</{0}> {3}', element, shown.language, value, note
    )


@register.filter
def json_ld(data) -> str:
    """A schema.org JSON-LD script; `<` is escaped so no text can close the element."""
    encoded = json.dumps(data, ensure_ascii=False, indent=1)
    encoded = encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(encoded))  # noqa: S308
