"""Template tags for translated content: show a text, and say when it falls back."""

import json

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from roles.languages import language_name
from roles.texts import text as text_of

register = template.Library()


def _note(shown) -> str:
    # The language's name as the reader's language calls it.
    name = language_name(shown.language)
    return format_html(
        '<small class="fallback-note">{}</small>',
        _("Not yet translated: shown in %(language)s.") % {"language": name},
    )


@register.simple_tag
def text(obj, field, paragraphs=False, steps=False, note=True):
    """A translated text; in another language than the page's, marked with its `lang` and a note.
    `paragraphs=True` makes <p> of blank-line separated paragraphs, `steps=True` an item a line.
    In headings and links pass `note=False` and put the `fallback_note` tag after the element."""
    shown = text_of(obj, field)
    if steps:
        lines = [line.strip() for line in shown.value.splitlines() if line.strip()]
        items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        value = format_html("<ol>{}</ol>", items)
    elif paragraphs:
        # linebreaks() escapes the text before adding its <p> and <br> elements.
        value = mark_safe(linebreaks(shown.value, autoescape=True))
    else:
        value = shown.value
    if not shown.fallback:
        return conditional_escape(value)
    marked = _marked(shown, value, "div" if paragraphs or steps else "span")
    return format_html("{} {}", marked, _note(shown)) if note else marked


def _marked(shown, value, element: str = "span") -> str:
    """A text shown in another language than the page's, in an element saying which."""
    return format_html('<{0} lang="{1}" class="fallback">{2}</{0}>', element, shown.language, value)


@register.simple_tag
def link_to(obj, field, url=None):
    """A link to `obj` (its page, or `url`) named by its text `field`, and the fallback note after
    the link: `<a href="…">{% text obj field note=False %}</a>{% fallback_note obj field %}`,
    with the text worked out once (a role page has some twenty of them)."""
    shown = text_of(obj, field)
    href = obj.get_absolute_url() if url is None else url
    if not shown.fallback:
        return format_html('<a href="{}">{}</a>', href, shown.value)
    return format_html('<a href="{}">{}</a>{}', href, _marked(shown, shown.value), _note(shown))


@register.simple_tag
def fallback_note(obj, field):
    """The note for a text shown in another language, for use after a heading or link (so that the
    note is not part of its name)."""
    shown = text_of(obj, field)
    return _note(shown) if shown.fallback else ""


@register.filter
def json_ld(data) -> str:
    """A schema.org JSON-LD script; `<` is escaped so no text can close the element."""
    # Without indent: json's C encoder (about ten times faster than the indenting one, which is
    # in Python), for machines only; the job-posting kit indents the JSON people copy.
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    encoded = encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(encoded))


@register.simple_tag
def show_scenario(scenario):
    """A scenario in a list of them (a version page's): its title, its situation, and what to do
    and what to avoid behind <details>. includes/scenario.html is a Jinja2 template
    (roles/jinja2.py), the one the role page's sections include. (A scenario's own page shows it
    in practice mode: roles/templatetags/practice.py.)"""
    context = {"scenario": scenario}
    return mark_safe(render_to_string("includes/scenario.html", context, using="jinja2"))


@register.simple_tag(takes_context=True)
def page_part(context, name):
    """A part of base.html that every page prints (the head's links and link-preview tags, the
    header, the footer), rendered by Jinja2 (templates/jinja2/, roles/jinja2.py) with the page's
    context: base.html stays the one base every page extends."""
    return mark_safe(render_to_string(name, context.flatten(), using="jinja2"))
