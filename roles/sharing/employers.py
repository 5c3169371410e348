"""A role's page for employers, /<language>/roles/<key>/for-employers/: the job-posting kit
(posting_kit) laid out as steps, in the posting's language (`?kit=<code>`), with the pinned
version's job description to download (job_description)."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from roles.models import Role
from roles.sharing import job_description, posting_kit
from roles.texts import text

# The CSP source that lets any page served over HTTPS frame the cards (the default).
ANY_HTTPS = "https:"


@require_safe
def role_employers(request, key):
    language = get_language()
    role = get_object_or_404(Role.objects.visible_to(request.user).for_page(language), key=key)
    kit_language, refused = posting_kit.chosen_language(request)
    posting = posting_kit.kept_posting(request, role, language, kit_language)
    title = text(role, "title").value
    heading = gettext("Job-posting kit: %(role)s") % {"role": title}
    context = {
        "role": role,
        "heading": heading,
        "meta_title": heading,
        "meta_description": gettext(
            "For a job posting about the role %(role)s: its links, a card to embed, a schema.org "
            "JobPosting and a QR code, in any language of the site."
        )
        % {"role": title},
        "kit": posting_kit.kit(request, role, kit_language, refused=refused, posting=posting),
        "framing": framing(),
        # The pinned version's job description as files, in the kit's language.
        "downloads": job_description.downloads(
            role.key, (posting["pinned"] or {}).get("number"), kit_language
        ),
    }
    return render(request, "roles/role_employers.html", context)


def framing() -> dict:
    """Which pages may frame the cards (EMBED_FRAME_ANCESTORS, CSP frame-ancestors): any page
    served over HTTPS, and/or the origins listed."""
    sources = settings.EMBED_FRAME_ANCESTORS
    return {
        "any_https": ANY_HTTPS in sources,
        "origins": [source for source in sources if source != ANY_HTTPS],
    }
