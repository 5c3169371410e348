"""Pages' addresses, kept per process: reverse() walks the URLconf (some 20 µs here) and a role
page links to a dozen pages. Kept per view, arguments, language and script prefix; tests that
change the URLconf or the languages make it forget them."""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def page_url(viewname: str, **kwargs: str) -> str:
    """reverse(viewname, kwargs=kwargs) in the active language, kept per process."""
    key = tuple(sorted(kwargs.items()))
    return _reversed(viewname, key, get_language(), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=4096)
def _reversed(viewname: str, kwargs: tuple, _language, _prefix: str, urlconf) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "ADMIN_PATH"):
        _reversed.cache_clear()


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def reverse_permalink(obj) -> str:
    """A role's or a quality's language-neutral permalink (its reader's language is chosen then)."""
    if obj._meta.model_name == "role":
        return page_url("role-permalink", key=obj.key)
    return page_url("quality-permalink", slug=obj.slug)
