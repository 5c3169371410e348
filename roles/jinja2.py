"""The Jinja2 environment (settings.TEMPLATES, "jinja2") for the parts of pages rendered on every
request that does not come from the page cache: the role page's sections and a scenario. Jinja2
compiles a template to Python and renders it several times faster than Django's engine
(docs/BENCHMARKS.md, "Rendering (issue 18)"); every page still extends the one base.html.

The templates call the same helpers as Django's (the `kb` tags, page_url for addresses), so they
print the same HTML. Interface texts are `_("…")`, formatted with `|format(name=…)`: Django's
makemessages finds `_("…")` in them, and the catalogue holds one entry per text whichever engine
prints it."""

from django.template.defaultfilters import date, urlencode
from django.templatetags.static import static
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from jinja2 import Environment
from markupsafe import Markup, escape

from roles.addresses import page_url
from roles.templatetags.kb import fallback_note, json_ld, link_to, text


def url(viewname: str, **kwargs) -> str:
    return page_url(viewname, **{name: str(value) for name, value in kwargs.items()})


def environment(**options) -> Environment:
    env = Environment(finalize=escape_as_django, **options)
    env.globals.update(
        _=gettext, text=text, fallback_note=fallback_note, link_to=link_to, url=url, static=static
    )
    env.filters.update(json_ld=json_ld, urlencode=urlencode, date=local_date)
    return env


def escape_as_django(value):
    """A printed value escaped as Django escapes it (&#x27; and &quot;, where MarkupSafe writes
    &#39; and &#34;), so that a page prints a text alike whichever engine prints it; SafeStrings
    (the text tag's) and Markup as they are. MarkupSafe's escaping is in C: this costs a third of
    Django's conditional_escape()."""
    if type(value) is str and "'" not in value and '"' not in value:
        return value  # MarkupSafe's escaping is Django's then
    if hasattr(value, "__html__"):
        return value
    escaped = str(escape(value))
    if "&#3" in escaped:
        escaped = escaped.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return Markup(escaped)


def local_date(value, format_name: str) -> str:
    """As Django's `date` filter prints a datetime: in the current time zone."""
    return date(template_localtime(value), format_name)
