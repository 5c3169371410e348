"""The site's languages, and a page's address in each of them."""

import functools
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import yaml
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse, translate_url
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_from_request,
    get_language_info,
    get_supported_language_variant,
    override,
)
from django.utils.translation.trans_real import parse_accept_lang_header


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


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translation_languages() -> list[str]:
    """The languages translated into: every language but the default (the source)."""
    return [code for code in languages() if code != settings.LANGUAGE_CODE]


def native_name(code: str) -> str:
    """A language's name as its speakers write it (the switcher's, the kit's choices): its
    conventions file's `name` ("norsk bokmål", where Django has "norsk (bokmål)"), else Django's."""
    return conventions_file(code)[1].get("name") or get_language_info(code)["name_local"]


def language_name(code: str) -> str:
    """A language's name in the active language, for use in a sentence ("in Danish")."""
    return str(dict(settings.LANGUAGES)[code])


@functools.lru_cache(maxsize=2048)
def page_links(path: str, current: str) -> tuple[tuple[str, str, str, str], ...]:
    """Each language's code, name, address of the page `path` (in `current`) and switcher link.
    Worked out from the URLconf alone (a resolve and a reverse per language), so kept per process;
    forgotten when a test changes the URLconf or the languages."""
    links = []
    for code, _name in settings.LANGUAGES:
        switch = reverse("switch-language", args=[code])
        links.append(
            (
                code,
                native_name(code),
                same_page_in(path, code),
                f"{switch}?{urlencode({'next': path})}",
            )
        )
    return tuple(links)


@receiver(setting_changed)
def _forget_links(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "ADMIN_PATH"):
        page_links.cache_clear()
    if setting in ("LOCALE_PATHS", "LANGUAGES"):
        conventions_file.cache_clear()


@functools.cache
def conventions_file(code: str) -> tuple[str, dict]:
    """A language's `locale/<code>/conventions.yaml`, beside its catalogue: what its texts follow
    (the translation checks) and its alphabetical order (roles.collation). Read once: its path
    and its mapping, or ("", {}) for a language without one."""
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / code / "conventions.yaml"
        if path.exists():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as error:
                raise ImproperlyConfigured(f"{path}: {error}") from None
            if not isinstance(data, dict):
                raise ImproperlyConfigured(f"{path}: expected a mapping")
            return str(path), data
    return "", {}


def register_language_info() -> None:
    """Make Django know each language of LANGUAGES it does not (Faroese, Northern Sami…): its
    name from LANGUAGES, its own name from its conventions.yaml. Django's get_language_info
    (the admin's language menu, the translators' files, the switcher) fails on a code it lacks."""
    for code, name in settings.LANGUAGES:
        own_name = not _django_knows(code) and conventions_file(code)[1].get("name")
        if not own_name:
            continue
        LANG_INFO[code] = {
            "code": code,
            "name": str(name),
            "name_local": str(own_name),
            "bidi": False,  # the site has no right-to-left layout (docs/ADDING-A-LANGUAGE.md)
        }


def _django_knows(code: str) -> bool:
    return code in LANG_INFO or code.split("-")[0] in LANG_INFO


def check_languages(**kwargs) -> list[checks.CheckMessage]:
    """What a language of LANGUAGES needs besides its entry there (docs/ADDING-A-LANGUAGE.md):
    its Open Graph locale, and its name, from Django or from its conventions.yaml."""
    errors = []
    for code, _name in settings.LANGUAGES:
        if code not in settings.OPEN_GRAPH_LOCALES:
            errors.append(
                checks.Error(
                    f"The language {code!r} has no Open Graph locale.",
                    hint=f'Add "{code}": "<language>_<TERRITORY>" to OPEN_GRAPH_LOCALES in '
                    "kb/settings.py (docs/ADDING-A-LANGUAGE.md).",
                    id="roles.E010",
                )
            )
        if not _django_knows(code) and not conventions_file(code)[1].get("name"):
            errors.append(
                checks.Error(
                    f"Django does not know the language {code!r}.",
                    hint=f"Give its name as its speakers write it in locale/{code}/"
                    'conventions.yaml (name: "…"; docs/ADDING-A-LANGUAGE.md).',
                    id="roles.E011",
                )
            )
    return errors


class UnknownLanguage(ValueError):
    """A language the site does not have, asked for by its code (`?lang=`)."""

    def __init__(self, code: str):
        super().__init__(f"Unknown language {code[:20]!r}: use one of {', '.join(languages())}.")


# Addresses read by other sites' software (the API, the cards framed in job postings, oEmbed):
# they answer in the language `?lang=` names, else the one Accept-Language asks for, never the
# switcher's cookie (a reader's choice on this site, which a platform's fetch does not carry).
CHOSEN_BY_QUERY = ("/api/", "/embed/", "/oembed")
# oEmbed's `url` may name a page in a language: the card, and so the answer, is in that one.
OEMBED = "/oembed"


def request_language(request) -> str:
    """The language of the answer to `request`, decided once for the view (the locale middleware
    activates it), the page cache's key and Content-Language: the address's own prefix; for the
    API, cards and oEmbed `?lang=`, then Accept-Language (for oEmbed, a language-prefixed `url`'s
    own language comes first); for the other addresses without one (the permalinks, the root)
    the switcher's cookie, then Accept-Language; else the default."""
    path = request.path_info
    if code := get_language_from_path(path):
        return code
    if path.startswith(CHOSEN_BY_QUERY):
        try:
            chosen = choose_language(request)[0]  # an unknown `?lang=` is a 400 all the same
            named = path == OEMBED and get_language_from_path(_url_path(request.GET.get("url", "")))
            return named or chosen
        except (UnknownLanguage, SuspiciousOperation):
            # An unknown `?lang=` (the view answers 400) or a query Django refuses to read (too
            # many fields: its 400 page), told in the default language.
            return settings.LANGUAGE_CODE
    return get_language_from_request(request)


def _url_path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:  # an address Python cannot split ("http://[::1")
        return ""


def choose_language(request) -> tuple[str, bool]:
    """The language of an answer without one in its address (the API, cards, oEmbed): `?lang=`,
    else Accept-Language, else the default; and whether it came from Accept-Language."""
    if "lang" in request.GET:
        code = request.GET["lang"]
        if code not in languages():
            raise UnknownLanguage(code)
        return code, False
    for accepted, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            return get_supported_language_variant(accepted), True
        except LookupError:
            continue
    return settings.LANGUAGE_CODE, True
