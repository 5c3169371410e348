"""The editors' admin: every text in language tabs, and per-language completeness at a glance."""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
)
from modeltranslation.utils import build_localized_fieldname

from roles.completeness import missing_fields
from roles.models import (
    Duty,
    Origin,
    Quality,
    Role,
    RoleQuality,
    RoleScenario,
    Scenario,
    SeedRecord,
    Source,
    Workplace,
)

ORIGIN_BADGES = {
    Origin.SOURCE: _("from the source"),
    Origin.TEAM: _("unreviewed"),
    Origin.REVIEWED: _("reviewed"),
}

admin.site.site_header = _("Customer service knowledge base")
admin.site.site_title = _("Knowledge base admin")
admin.site.index_title = _("Content and translations")


def localized(*fields: str) -> list[str]:
    """The per-language columns of translated fields, for search_fields."""
    return [
        build_localized_fieldname(field, code)
        for field in fields
        for code, _name in settings.LANGUAGES
    ]


def language_column(code: str, name):
    """A list column: is the object complete in this language, and where its texts come from."""

    @admin.display(description=name)
    def column(obj):
        missing = missing_fields(obj, code)
        if missing:
            text = ngettext("%(count)d text missing", "%(count)d texts missing", len(missing))
            return format_html(
                '<span class="kb-badge kb-badge--missing" title="{}">✘ {}</span>',
                ", ".join(missing),
                text % {"count": len(missing)},
            )
        origin = getattr(obj, build_localized_fieldname("origin", code), None) or Origin.TEAM
        return format_html(
            '<span class="kb-badge kb-badge--{}">✔ {}</span>', origin, ORIGIN_BADGES[origin]
        )

    column.__name__ = f"complete_{code}"
    return column


class MissingInLanguageFilter(admin.SimpleListFilter):
    title = _("missing in")
    parameter_name = "missing_in"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.missing_in(self.value())
        return queryset


class ContentAdmin(TabbedTranslationAdmin):
    """Tabs per language, completeness columns and the "missing in" filter."""

    list_filter = [MissingInLanguageFilter]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["admin/kb-admin.css"]}

    def get_list_display(self, request):
        columns = [language_column(code, name) for code, name in settings.LANGUAGES]
        return [*super().get_list_display(request), *columns]


class DutyInline(TranslationStackedInline):
    model = Duty
    extra = 0
    fields = ["order", "key", "text", "origin", "sources"]
    filter_horizontal = ["sources"]
    ordering = ["order"]


class RoleQualityInline(TranslationStackedInline):
    model = RoleQuality
    extra = 0
    fields = ["order", "quality", "note", "origin"]
    ordering = ["order"]


class QualityRoleInline(RoleQualityInline):
    fields = ["role", "order", "note", "origin"]
    ordering = ["role__level"]


class RoleScenarioInline(admin.TabularInline):
    model = RoleScenario
    extra = 0
    fields = ["order", "scenario"]
    ordering = ["order"]


class ScenarioRoleInline(RoleScenarioInline):
    fields = ["role", "order"]
    ordering = ["role__level"]


@admin.register(Role)
class RoleAdmin(ContentAdmin):
    list_display = ["title", "key", "level", "leads_to", "published"]
    list_filter = ["published", MissingInLanguageFilter]
    search_fields = ["key", *localized("title", "summary", "body")]
    fieldsets = [
        (None, {"fields": ["key", "title", "summary", "body", "career", "published"]}),
        (_("Career ladder"), {"fields": ["level", "leads_to"]}),
        (_("Workplaces and occupation codes"), {"fields": ["workplaces", "isco08", "esco_uri"]}),
        (_("Where the texts come from"), {"fields": ["origin", "sources"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]
    filter_horizontal = ["workplaces", "sources"]
    inlines = [DutyInline, RoleQualityInline, RoleScenarioInline]

    def get_readonly_fields(self, request, obj=None):
        # The key is in every permalink: set once, never changed.
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "key"] if obj else readonly


@admin.register(Duty)
class DutyAdmin(ContentAdmin):
    list_display = ["text", "role", "order"]
    list_filter = ["role", MissingInLanguageFilter]
    list_select_related = ["role"]
    search_fields = ["key", *localized("text")]
    fields = ["role", "order", "key", "text", "origin", "sources", "created_at", "updated_at"]
    filter_horizontal = ["sources"]


@admin.register(Quality)
class QualityAdmin(ContentAdmin):
    list_display = ["name", "slug", "published"]
    list_filter = ["published", MissingInLanguageFilter]
    search_fields = ["slug", *localized("name", "description")]
    fields = [
        "slug",
        "name",
        "description",
        "published",
        "origin",
        "sources",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["sources"]
    inlines = [QualityRoleInline]


@admin.register(Scenario)
class ScenarioAdmin(ContentAdmin):
    list_display = ["title", "slug", "published"]
    list_filter = ["published", "roles", MissingInLanguageFilter]
    search_fields = ["slug", *localized("title", "situation", "steps", "avoid")]
    fields = [
        "slug",
        "title",
        "situation",
        "steps",
        "avoid",
        "published",
        "origin",
        "sources",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["sources"]
    inlines = [ScenarioRoleInline]


@admin.register(Workplace)
class WorkplaceAdmin(ContentAdmin):
    list_display = ["name", "slug", "published"]
    list_filter = ["published", MissingInLanguageFilter]
    search_fields = ["slug", *localized("name", "description")]
    fields = ["slug", "name", "description", "published", "origin", "sources"]
    filter_horizontal = ["sources"]


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["title", "key", "language", "file"]
    list_filter = ["language", MissingInLanguageFilter]
    search_fields = ["key", "original_title", *localized("title")]
    fields = ["key", "language", "file", "original_title", "title", "origin"]
    readonly_fields = []


@admin.register(SeedRecord)
class SeedRecordAdmin(admin.ModelAdmin):
    """What the seed loader last wrote: read only, for finding out why a value was kept."""

    list_display = ["kind", "key", "loaded_at"]
    list_filter = ["kind"]
    search_fields = ["key"]
    readonly_fields = ["kind", "key", "fingerprints", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
