"""The Content-Security-Policy header, built once: django-csp builds the site's policy anew on
every response (two dataclass copies, the directives sorted and joined, for the policy and for
the report-only one), a sixth of the app's work on /robots.txt (docs/BENCHMARKS.md, "The
middleware"). The header is the same for every response that has no nonce and no view's own
changes, so it is built once per process for those; any other response goes through
django-csp's own code."""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view sets on its response to change the policy (django-csp's decorators, or by hand:
# the embeddable card's frame-ancestors).
CHANGES = tuple(
    f"_csp_{what}{mode}"
    for what in ("config", "update", "replace", "exempt")
    for mode in ("", "_ro")
)


@functools.cache
def site_policy(*, report_only: bool = False) -> str:
    return build_policy(report_only=report_only)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if not self._site_policy_applies(request, response):
            return super().process_response(request, response)
        if policy := site_policy():
            response.headers.setdefault(HEADER, policy)
        if policy := site_policy(report_only=True):
            response.headers.setdefault(HEADER_REPORT_ONLY, policy)
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _site_policy_applies(request, response) -> bool:
        return (
            getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in CHANGES)
            and not settings.DEBUG  # django-csp leaves Django's debug pages alone
            and not any(
                getattr(settings, name, None)
                and getattr(settings, name).get("EXCLUDE_URL_PREFIXES")
                for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
            )
        )
