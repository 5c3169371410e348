"""Template context for every page: its links in every language."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.translation import get_language

from roles.languages import page_links, unprefixed


def language_links(request):
    """The page in every language: the switcher's links, hreflang alternates, Open Graph locales."""
    current = get_language()
    path = request.path
    try:
        request.get_host()
        absolute = request.build_absolute_uri
    except DisallowedHost:  # the 400 page for a bad Host header: no absolute links at all
        absolute = None
    links = [
        {
            "code": code,
            "name": name,
            "absolute_url": absolute(url) if absolute else url,
            "switch_url": switch_url,
            "current": code == current,
            "og_locale": settings.OPEN_GRAPH_LOCALES.get(code, code),
        }
        for code, name, url, switch_url in page_links(path, current)
    ]
    context = {
        "language_links": links,
        "og_locale": settings.OPEN_GRAPH_LOCALES.get(current, current),
    }
    if absolute:
        context["canonical_url"] = absolute(path)
        context["x_default_url"] = absolute(unprefixed(path))
    return context
