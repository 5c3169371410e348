import functools
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, override


def same_page_in(path: str, code: str) -> str:
    """`path` in the language `code`: the same page, or that language's home page if the path is
    not a page of the site (a 404)."""
    translated = translate_url(path, code)
    if translated == path and code != get_language():
        with override(code):
            return reverse("roles:home")
    return translated


def unprefixed(path: str) -> str:
    """The language-neutral form of a page's path (x-default): the locale middleware sends it to
    the reader's language, as the sitemap's x-default does."""
    prefix = f"/{get_language()}/"
    return "/" + path.removeprefix(prefix) if path.startswith(prefix) else path


@functools.lru_cache(maxsize=2048)
def _links(path: str, current: str) -> tuple[tuple[str, str, str, str], ...]:
    """Each language's code, name, address of the page `path` (in `current`) and switcher link.

    Worked out from the URLconf alone (a resolve and a reverse per language), so kept per process;
    forgotten when a test changes the URLconf or the languages.
    """
    links = []
    for code, _name in settings.LANGUAGES:
        switch = reverse("switch-language", args=[code])
        links.append(
            (
                code,
                get_language_info(code)["name_local"],
                same_page_in(path, code),
                f"{switch}?{urlencode({'next': path})}",
            )
        )
    return tuple(links)


@receiver(setting_changed)
def _forget_links(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "ADMIN_PATH"):
        _links.cache_clear()


def languages(request):
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
        for code, name, url, switch_url in _links(path, current)
    ]
    context = {
        "language_links": links,
        "og_locale": settings.OPEN_GRAPH_LOCALES.get(current, current),
    }
    if absolute:
        context["canonical_url"] = absolute(path)
        context["x_default_url"] = absolute(unprefixed(path))
    return context
