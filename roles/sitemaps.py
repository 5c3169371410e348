"""/sitemap.xml: every public page in every language, with its hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from roles.models import Quality, Role, Scenario, Workplace


class _Localized(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(_Localized):
    def items(self):
        return ["roles:home", "roles:scenario-list", "roles:about"]

    def location(self, item):
        return reverse(item)


class ContentSitemap(_Localized):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class EmployersSitemap(_Localized):
    """Each published role's page for employers (the job-posting kit)."""

    def items(self):
        return Role.objects.published().order_by("pk")

    def location(self, role):
        return reverse("roles:role-employers", kwargs={"key": role.key})

    def lastmod(self, role):
        return role.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "roles": ContentSitemap(Role),
    "employers": EmployersSitemap,
    "qualities": ContentSitemap(Quality),
    "scenarios": ContentSitemap(Scenario),
    "workplaces": ContentSitemap(Workplace),
}
