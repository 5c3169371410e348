"""Published versions' pages: a version as it was, its link-preview image, and a role's versions."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from roles.addresses import with_query
from roles.models import Role, RoleVersion
from roles.sharing import embeds, og_image
from roles.texts import text
from roles.versions import pinned
from roles.versions.pinned import version_or_404


@require_safe
def role_version(request, key, number):
    """A published version of a role, exactly as it was then: a link that holds for a job
    posting. A withdrawn version answers 410 Gone and points to the current one."""
    version = version_or_404(key, number)
    canonical = reverse("roles:role-version", kwargs={"key": key, "number": number})
    if request.path != canonical:  # /v/01/: one address per version
        return redirect(with_query(canonical, request.GET.urlencode()), permanent=True)
    current = RoleVersion.objects.current_of(key)
    # A role, quality, scenario or workplace unpublished or deleted since still shows, unlinked.
    live = pinned.live_pages(version, request.user)
    role_url = reverse("roles:role-detail", kwargs={"key": key}) if ("role", key) in live else ""
    if version.withdrawn:
        context = {"version": version, "current": current, "role_url": role_url}
        return render(request, "roles/version_withdrawn.html", context, status=410)
    store = pinned.load([version] if current is None else [version, current])
    shown = pinned.PinnedRole.of(version, store, live)
    is_current = current is not None and current.number == version.number
    later = current is not None and not is_current
    changes = pinned.changes(version.content, current.content, store) if later else []
    context = {
        "pinned": shown,
        "version": version,
        "current": current,
        "is_current": is_current,
        "changes": changes,
        # What changed since is only in texts this page's language does not show.
        "elsewhere": later and not changes and version.fingerprint != current.fingerprint,
        "role_url": role_url,
        "meta_title": gettext("%(role)s, version %(number)s")
        % {"role": shown.role.title, "number": version.number},
        "meta_description": shown.role.summary,
        "og_image": og_image.version_meta(request, version, shown.role),
        **embeds.discovery(request),
        "noindex": True,  # the current page is the one to index; a version is for links
    }
    return render(request, "roles/role_version.html", context)


@require_safe
def role_versions(request, key):
    """Every published version of a role, the newest first, with their links."""
    versions = list(RoleVersion.objects.of(key).defer("content"))
    if not versions:
        raise Http404
    role = Role.objects.visible_to(request.user).filter(key=key).first()
    for version in versions:  # the language-neutral link, for job postings
        version.permalink = request.build_absolute_uri(
            reverse("role-version-permalink", kwargs={"key": key, "number": version.number})
        )
    context = {
        "versions": versions,
        "current": next((version for version in versions if not version.withdrawn), None),
        "role_url": role.get_absolute_url() if role else "",
        "feed_url": reverse("roles:role-feed", kwargs={"key": key}),
        # The role's title as it is now, or, for a role no longer published, its kind.
        "role_name": text(role, "title").value if role else versions[0].get_role_key_display(),
        "noindex": True,
    }
    return render(request, "roles/role_versions.html", context)
