"""What django-axes counts failed logins under: the client's address and the user name typed."""

import ipaddress

from axes.models import AccessAttempt
from django.conf import settings

USERNAME_KEPT = AccessAttempt._meta.get_field("username").max_length


def client_ip(request) -> str:
    """The reader's address for login throttling: behind PROXY_COUNT proxies, the address the
    nearest trusted proxy saw (the last entries of X-Forwarded-For are the proxies' own), if it is
    an address at all: PostgreSQL's inet would refuse anything else, a 500 on a failed login."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        # An entry that is not an address: a request that went round the proxy, or a PROXY_COUNT
        # higher than the proxies there are, hands over what the client wrote.
        if len(forwarded) >= settings.PROXY_COUNT and _is_address(forwarded[-settings.PROXY_COUNT]):
            return forwarded[-settings.PROXY_COUNT]
    return remote


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return "%" not in value  # no zone (fe80::1%eth0): PostgreSQL's inet has none


def login_username(request, credentials=None):
    """The user name django-axes counts failed logins under: the one typed, cut to the length axes
    keeps. (Axes stored it whole: PostgreSQL refused a longer one, which no account has, with a 500;
    django-axes issue 1381.)"""
    typed = (credentials or request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return typed[:USERNAME_KEPT] if isinstance(typed, str) else typed
