"""The content models: roles with their duties, qualities and scenarios, workplaces and sources."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from roles.addresses import page_url
from roles.changes import Tracked, TrackedQuerySet
from roles.collation import alphabetical
from roles.models.fields import UnixCharField, UnixTextField
from roles.models.querysets import ContentQuerySet, PublishableQuerySet
from roles.occupation_codes import (
    esco_occupation_validator,
    esco_skill_validator,
    isco08_validator,
    onet_soc_validator,
)
from roles.texts import columns


def default_language_column(field: str) -> str:
    return f"{field}_{settings.LANGUAGE_CODE}"


def filled_in_default_language(field: str, name: str) -> models.CheckConstraint:
    """A database check that the default language's text of `field` is not empty."""
    column = default_language_column(field)
    return models.CheckConstraint(
        condition=Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""}),
        name=name,
        violation_error_message=_("The text in the default language must not be empty."),
    )


# The QuerySets of the pages' reads: each page's query budget is fixed here. (Their methods name
# the models below, defined by the time they run.)


class RoleQuerySet(PublishableQuerySet):
    def with_content(self):
        """Everything a role page shows, in a fixed number of queries."""
        return self.select_related("leads_to").prefetch_related(*self.content())

    def for_page(self, language: str):
        """The role of a role page in `language`: the columns the page shows (the language's and
        its fallbacks'), and the role it leads to. content(language) adds the rest."""
        return self.select_related("leads_to").only(
            *("key", "level", "published", "isco08", "esco_uri", "onet_soc"),
            *columns(("title", "summary", "body", "career"), language),
            *("leads_to__key", "leads_to__published", "leads_to__level", "leads_to__leads_to"),
            *columns(("title",), language, "leads_to__"),
        )

    def content(self, language: str | None = None) -> list[Prefetch]:
        """What a role page shows besides the role, in one query each: with a `language`, only
        the columns of that language and its fallbacks; without, every language's."""

        def texts(fields: tuple[str, ...], prefix: str = "") -> list[str]:
            return columns(fields, language, prefix) if language else []

        def only(queryset, *names: str):
            return queryset.only(*names) if language else queryset

        qualities = RoleQuality.objects.filter(quality__published=True).select_related("quality")
        scenarios = RoleScenario.objects.filter(scenario__published=True).select_related("scenario")
        return [
            Prefetch(
                "duties",
                queryset=only(Duty.objects.order_by("order"), "role_id", "key", *texts(("text",))),
            ),
            Prefetch(
                "role_qualities",
                queryset=only(
                    qualities.order_by("order"),
                    *("role_id", "quality__slug"),
                    *texts(("note",)),
                    *texts(("name",), "quality__"),
                ),
            ),
            Prefetch(
                "role_scenarios",
                queryset=only(
                    scenarios.order_by("order"),
                    *("role_id", "scenario__slug"),
                    *texts(("title", "situation", "steps", "avoid"), "scenario__"),
                ),
            ),
            Prefetch(
                "workplaces",
                queryset=only(Workplace.objects.published(), "slug", *texts(("name",))),
            ),
            Prefetch(
                "leads_from",
                queryset=only(Role.objects.published(), "key", "leads_to_id", *texts(("title",))),
            ),
            Prefetch(
                "sources",
                queryset=only(
                    Source.objects.order_by("key"), "key", "language", *texts(("title",))
                ),
            ),
        ]


# The pages of a quality, scenario or workplace list their roles up the career ladder, those on
# one step in the alphabetical order of the page's language (the active one by default), and
# their sources in that order. (A role page keeps its lists' order: its published versions hold
# them in that order.)


class QualityQuerySet(PublishableQuerySet):
    def with_content(self, language: str | None = None):
        language = language or get_language()
        return self.prefetch_related(
            Prefetch(
                "role_qualities",
                queryset=RoleQuality.objects.filter(role__published=True)
                .select_related("role")
                .order_by("role__level", alphabetical("title", language, "role__"), "role__key"),
            ),
            Prefetch("sources", queryset=Source.objects.alphabetical(language)),
        )


class ScenarioQuerySet(PublishableQuerySet):
    def with_content(self, language: str | None = None):
        language = language or get_language()
        return self.prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.published().order_by(
                    "level", alphabetical("title", language), "key"
                ),
            ),
            Prefetch("sources", queryset=Source.objects.alphabetical(language)),
        )


class WorkplaceQuerySet(PublishableQuerySet):
    def with_content(self, language: str | None = None):
        language = language or get_language()
        return self.prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.published().order_by(
                    "level", alphabetical("title", language), "key"
                ),
            ),
            Prefetch("sources", queryset=Source.objects.alphabetical(language)),
        )


# Ordered rows are first moved to places from here (admin, seed loads): reordering never collides.
PARKING = 1_000_000_000


class Origin(models.TextChoices):
    """Where a text in one language comes from."""

    SOURCE = "source", _("From a source article")
    TEAM = "team", _("Translated by the team, not yet reviewed")
    REVIEWED = "reviewed", _("Reviewed")


class Content(Tracked, models.Model):
    """What every piece of content has: where its texts come from, and when it changed."""

    # Translated: origin_<code> says where the texts in that language come from.
    origin = models.CharField(
        _("origin of the texts"),
        max_length=10,
        choices=Origin.choices,
        default=Origin.TEAM,
    )
    sources = models.ManyToManyField(
        "roles.Source",
        blank=True,
        verbose_name=_("source articles"),
        help_text=_("The articles this text draws on."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True


class Source(Tracked, models.Model):
    """One of the articles the content was drawn from, kept as received in seeds/articles/."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    file = models.CharField(
        _("file"), max_length=200, help_text=_("Path of the article below the seeds folder.")
    )
    original_title = UnixCharField(
        _("original title"),
        max_length=300,
        help_text=_("The title as it stands in the article, errors and all."),
    )
    title = UnixCharField(_("title"), max_length=300)
    origin = models.CharField(
        _("origin of the texts"), max_length=10, choices=Origin.choices, default=Origin.TEAM
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("source article")
        verbose_name_plural = _("source articles")
        constraints = [filled_in_default_language("title", "source_title_in_default_language")]

    def __str__(self):
        return self.title or self.key


class Workplace(Content):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = UnixCharField(_("name"), max_length=200)
    description = UnixTextField(_("description"), blank=True)
    published = models.BooleanField(_("published"), default=False)

    objects = WorkplaceQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        constraints = [filled_in_default_language("name", "workplace_name_in_default_language")]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return page_url("roles:workplace-detail", slug=self.slug)


class RoleKey(models.TextChoices):
    ASSOCIATE = "associate", _("Customer service associate")
    AGENT = "agent", _("Customer service agent")
    MANAGER = "manager", _("Customer service manager")


class Role(Content):
    key = models.SlugField(
        _("key"),
        max_length=20,
        unique=True,
        choices=RoleKey.choices,
        help_text=_("Stable identifier used in permalinks. It never changes."),
    )
    title = UnixCharField(_("title"), max_length=200)
    summary = UnixTextField(_("summary"), blank=True)
    body = UnixTextField(_("body"), blank=True)
    career = UnixTextField(
        _("career path"), blank=True, help_text=_("How one gets into the role and where it leads.")
    )
    level = models.PositiveSmallIntegerField(
        _("step on the career ladder"), help_text=_("1 is the entry level.")
    )
    leads_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads_from",
        verbose_name=_("leads to"),
    )
    workplaces = models.ManyToManyField(
        Workplace, blank=True, related_name="roles", verbose_name=_("workplaces")
    )
    isco08 = models.CharField(
        _("ISCO-08 code"), max_length=4, blank=True, validators=[isco08_validator]
    )
    esco_uri = models.URLField(
        _("ESCO occupation URI"), blank=True, validators=[esco_occupation_validator]
    )
    onet_soc = models.CharField(
        _("O*NET-SOC code"),
        max_length=10,
        blank=True,
        validators=[onet_soc_validator],
        help_text=_("Optional, for example 43-4051.00 (Customer Service Representatives)."),
    )
    published = models.BooleanField(_("published"), default=False)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["level", "key"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            filled_in_default_language("title", "role_title_in_default_language"),
            models.CheckConstraint(condition=Q(key__in=RoleKey.values), name="role_key_is_known"),
            models.CheckConstraint(
                condition=~Q(leads_to=models.F("id")), name="role_does_not_lead_to_itself"
            ),
        ]

    def __str__(self):
        return self.title or self.key

    def get_absolute_url(self):
        return page_url("roles:role-detail", key=self.key)

    def clean(self):
        # The ladder must end: a role may not lead back to itself, directly or around a loop.
        step, seen = self.leads_to, set()
        while step is not None and step.pk not in seen:
            if step.pk == self.pk or step.key == self.key:
                raise ValidationError(
                    {"leads_to": _("A role cannot lead back to itself on the career ladder.")}
                )
            seen.add(step.pk)
            step = step.leads_to


class Duty(Content):
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="duties", verbose_name=_("role")
    )
    key = models.SlugField(
        _("key"), max_length=80, help_text=_("Stable identifier, unique within the role.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = UnixTextField(_("text"))

    class Meta:
        ordering = ["role", "order"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(fields=["role", "key"], name="duty_key_unique_in_role"),
            models.UniqueConstraint(fields=["role", "order"], name="duty_order_unique_in_role"),
            filled_in_default_language("text", "duty_text_in_default_language"),
        ]

    def __str__(self):
        return self.text or self.key

    def get_absolute_url(self):
        return f"{self.role.get_absolute_url()}#duties"


class Quality(Content):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = UnixCharField(_("name"), max_length=200)
    description = UnixTextField(_("description"), blank=True)
    esco_skill_uri = models.URLField(
        _("ESCO skill URI"),
        blank=True,
        validators=[esco_skill_validator],
        help_text=_("The ESCO skill this quality corresponds to, where one fits."),
    )
    roles = models.ManyToManyField(
        Role, through="RoleQuality", related_name="qualities", verbose_name=_("roles")
    )
    published = models.BooleanField(_("published"), default=False)

    objects = QualityQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("quality")
        verbose_name_plural = _("qualities")
        constraints = [filled_in_default_language("name", "quality_name_in_default_language")]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return page_url("roles:quality-detail", slug=self.slug)


class RoleQuality(Tracked, models.Model):
    """A quality a role needs, and why this role needs it."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="role_qualities", verbose_name=_("role")
    )
    quality = models.ForeignKey(
        Quality, on_delete=models.CASCADE, related_name="role_qualities", verbose_name=_("quality")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    note = UnixTextField(_("why this role needs it"), blank=True)
    origin = models.CharField(
        _("origin of the texts"), max_length=10, choices=Origin.choices, default=Origin.TEAM
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["role", "order"]
        verbose_name = _("quality of a role")
        verbose_name_plural = _("qualities of the role")
        constraints = [
            models.UniqueConstraint(fields=["role", "quality"], name="role_quality_unique"),
            models.UniqueConstraint(fields=["role", "order"], name="role_quality_order_unique"),
        ]

    def __str__(self):
        return f"{self.role} – {self.quality}"


class Scenario(Content):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = UnixCharField(_("title"), max_length=200)
    situation = UnixTextField(_("situation"))
    steps = UnixTextField(_("what to do"), help_text=_("One step per line."))
    avoid = UnixTextField(_("what to avoid"), blank=True)
    roles = models.ManyToManyField(
        Role, through="RoleScenario", related_name="scenarios", verbose_name=_("roles")
    )
    published = models.BooleanField(_("published"), default=False)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [filled_in_default_language("title", "scenario_title_in_default_language")]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return page_url("roles:scenario-detail", slug=self.slug)

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in (self.steps or "").splitlines() if line.strip()]


class RoleScenario(Tracked, models.Model):
    """A scenario shown on a role's page, in the role's order."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="role_scenarios", verbose_name=_("role")
    )
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.CASCADE,
        related_name="role_scenarios",
        verbose_name=_("scenario"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["role", "order"]
        verbose_name = _("scenario of a role")
        verbose_name_plural = _("scenarios of the role")
        constraints = [
            models.UniqueConstraint(fields=["role", "scenario"], name="role_scenario_unique"),
            models.UniqueConstraint(fields=["role", "order"], name="role_scenario_order_unique"),
        ]

    def __str__(self):
        return f"{self.role} – {self.scenario}"
