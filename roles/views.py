from django.shortcuts import get_object_or_404, render

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
