"""The editors' admin: every text in language tabs, and per-language completeness at a glance."""

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from reversion.admin import VersionAdmin

from roles.completeness import missing_fields
from roles.editorial import translation_status
from roles.editorial.inlines import (
    DutyInline,
    QualityRoleInline,
    RoleQualityInline,
    RoleScenarioInline,
    ScenarioRoleInline,
)
from roles.editorial.permissions import may_edit_structure
from roles.editorial.workflow import EditorialAdminMixin
from roles.languages import languages
from roles.models import (
    Duty,
    Quality,
    Role,
    RoleVersion,
    Scenario,
    SeedRecord,
    Source,
    Workplace,
)
from roles.slugs import remember_former_slug
from roles.versions import publishing

admin.site.site_header = _("Customer service knowledge base")
admin.site.site_title = _("Knowledge base admin")
admin.site.index_title = _("Content and translations")


def localized(*fields: str) -> list[str]:
    """The per-language columns of translated fields, for search_fields."""
    return [build_localized_fieldname(field, code) for field in fields for code in languages()]


def language_column(code: str, name):
    """A list column: the state of the object's texts in this language, the most urgent first."""

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
        states = [
            status.state
            for (_obj, _field, language), status in translation_status.statuses([obj]).items()
            if language == code
        ]
        outdated = states.count(translation_status.OUTDATED)
        if outdated:
            text = ngettext("%(count)d text outdated", "%(count)d texts outdated", outdated)
            return format_html(
                '<span class="kb-badge kb-badge--outdated">⚠ {}</span>', text % {"count": outdated}
            )
        if states and all(state == translation_status.REVIEWED for state in states):
            return format_html(
                '<span class="kb-badge kb-badge--reviewed">✔ {}</span>', _("reviewed")
            )
        return format_html(
            '<span class="kb-badge kb-badge--unreviewed">✔ {}</span>', _("unreviewed")
        )

    column.__name__ = f"complete_{code}"
    return column


@admin.display(description=_("Translations"))
def translations_column(obj):
    """One list column for every language, a line each: three columns did not fit a laptop."""
    return format_html_join(
        "",
        '<span class="kb-language-state"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}:</span> {}</span>',
        ((code, name, language_column(code, name)(obj)) for code, name in settings.LANGUAGES),
    )


class MissingInLanguageFilter(admin.SimpleListFilter):
    title = _("missing in")
    parameter_name = "missing_in"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in languages():
            return queryset.missing_in(self.value())
        return queryset


class ContentAdmin(EditorialAdminMixin, VersionAdmin, TabbedTranslationAdmin):
    """Tabs per language, completeness columns, the "missing in" filter, review state, history."""

    list_filter = [MissingInLanguageFilter]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        # kb-admin.css and kb-admin.js (the language switch) come with every admin page.
        js = ["admin/kb-status-tabs.js"]

    def get_list_display(self, request):
        return [*super().get_list_display(request), translations_column]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            # The old address keeps working: it answers 301 to the new one.
            remember_former_slug(obj=obj, former=form.initial.get("slug", ""))


@admin.register(Role)
class RoleAdmin(ContentAdmin):
    list_display = ["title", "key_code", "level", "leads_to", "published"]
    list_filter = ["published", MissingInLanguageFilter]
    search_fields = ["key", *localized("title", "summary", "body")]
    fieldsets = [
        (None, {"fields": ["key", "title", "summary", "body", "career", "published"]}),
        (_("Career ladder"), {"fields": ["level", "leads_to"]}),
        (
            _("Workplaces and occupation codes"),
            {"fields": ["workplaces", "isco08", "esco_uri", "onet_soc"]},
        ),
        (
            _("Where the texts come from"),
            {"classes": ["collapse"], "fields": ["origin", "sources"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]
    filter_horizontal = ["workplaces", "sources"]
    inlines = [DutyInline, RoleQualityInline, RoleScenarioInline]

    change_form_template = "admin/roles/role/change_form.html"
    actions = ["publish_versions"]

    def get_readonly_fields(self, request, obj=None):
        # The key is in every permalink: set once, never changed.
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "key_code"] if obj else readonly

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        swap = {"key": "key_code"}
        return [
            (name, {**options, "fields": [swap.get(f, f) for f in options["fields"]]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("key"), ordering="key")
    def key_code(self, obj):
        # The key itself: the field's choices would show its label (the default title).
        return obj.key

    def has_publish_permission(self, request):
        return may_edit_structure(request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_publish"] = self.has_publish_permission(request)
        if obj is not None:
            context["role_versions"] = RoleVersion.objects.of(obj.key).defer("content")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        role = form.instance
        # Publishing stores a version: on "Save and publish", or when the role is first shown.
        wanted = "_publish" in request.POST or (role.published and "published" in form.changed_data)
        if not wanted:
            return
        if not self.has_publish_permission(request):
            self.message_user(request, _("You may not publish roles."), messages.ERROR)
            return
        saved = form.has_changed() or any(formset.has_changed() for formset in formsets)
        self._publish(request, role, shown_again="published" in form.changed_data, saved=saved)

    def _publish(self, request, role, *, shown_again: bool, saved: bool = False) -> None:
        try:
            version = publishing.publish(role, user=request.user)
        except publishing.NothingToPublish as unchanged:
            # One message: with nothing saved, the save's own message is left out (HistoryMixin).
            if shown_again:
                message = _(
                    "“%(role)s” is published again, as version %(number)d: it reads exactly as "
                    "that version."
                )
            elif saved:
                message = _(
                    "Your changes to “%(role)s” are saved. Readers see no difference, so no new "
                    "version was published: the role still reads as version %(number)d."
                )
            else:
                message = _("“%(role)s” reads exactly as version %(number)d: no new version.")
            self.message_user(
                request, message % {"role": role, "number": unchanged.version.number}, messages.INFO
            )
            return
        self.log_note(request, role, {"published": {"number": version.number}})
        self.message_user(
            request,
            _("Published version %(number)d of “%(role)s”.")
            % {"number": version.number, "role": role},
            messages.SUCCESS,
        )

    @admin.action(
        permissions=["publish"], description=_("Publish a new version of the selected roles")
    )
    def publish_versions(self, request, queryset):
        for role in queryset:
            self._publish(request, role, shown_again=not role.published)


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
        "esco_skill_uri",
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
