from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info


def languages(request):
    """The page in every language: the switcher's links, hreflang alternates, Open Graph locales.

    A view may name the page's language-neutral address as `x_default`; otherwise x-default is the
    page in the default language.
    """
    current = get_language()
    path = request.path
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        switch = reverse("switch-language", args=[code])
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "switch_url": f"{switch}?{urlencode({'next': url})}",
                "current": code == current,
                "og_locale": settings.OPEN_GRAPH_LOCALES.get(code, code),
            }
        )
    return {
        "language_links": links,
        "canonical_url": request.build_absolute_uri(path),
        "default_language_url": request.build_absolute_uri(
            translate_url(path, settings.LANGUAGE_CODE)
        ),
        "og_locale": settings.OPEN_GRAPH_LOCALES.get(current, current),
    }
