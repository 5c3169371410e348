from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request, override
from django.utils.translation import gettext_lazy as _

from roles.models import Role


def _visible_roles(request):
    """Readers see published roles; logged-in editors also see drafts, marked as previews."""
    roles = Role.objects.all()
    return roles if request.user.is_staff else roles.published()


def home(request):
    roles = _visible_roles(request).order_by("level", "key")
    return render(request, "roles/home.html", {"roles": roles})


def role_detail(request, key):
    role = get_object_or_404(_visible_roles(request).with_content(), key=key)
    next_role = (
        role.leads_to
        if role.leads_to and (role.leads_to.published or request.user.is_staff)
        else None
    )
    return render(request, "roles/role_detail.html", {"role": role, "next_role": next_role})


def role_permalink(request, key):
    """A language-neutral link for job postings: /roles/<key>/ answers with the reader's language.

    The language comes from the cookie the language switcher sets, then Accept-Language, then the
    default; the redirect is temporary and varies on both, so no cache serves one reader's language
    to another.
    """
    role = get_object_or_404(_visible_roles(request), key=key)
    with override(get_language_from_request(request)):
        response = redirect(role)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


ERRORS = {
    400: (
        _("Bad request"),
        _("The site could not understand this request. Please check the address and try again."),
    ),
    404: (
        _("Page not found"),
        _(
            "There is no page at this address. It may have been unpublished, "
            "or the link may be mistyped."
        ),
    ),
    500: (
        _("Something went wrong"),
        _(
            "The page could not be shown because of an error on our side. "
            "Please try again in a moment."
        ),
    ),
}


def error_page(request, status: int):
    """The error pages, in the reader's language and the site's design (handler400/404/500)."""
    heading, message = ERRORS[status]
    context = {"heading": heading, "message": message}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception):
    return error_page(request, 400)


def page_not_found(request, exception):
    return error_page(request, 404)


def server_error(request):
    return error_page(request, 500)
