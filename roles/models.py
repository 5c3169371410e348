"""The content of the knowledge base.

Every human text is a translated field (see translation.py): modeltranslation adds one column per
language of settings.LANGUAGES (title_<code> for each), and `title` reads the active language
with the fallback chain of settings.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roles.addresses import page_url
from roles.occupation_codes import (
    esco_occupation_validator,
    esco_skill_validator,
    isco08_validator,
    onet_soc_validator,
)
from roles.querysets import (
    ContentQuerySet,
    QualityQuerySet,
    RoleQuerySet,
    RoleVersionQuerySet,
    ScenarioQuerySet,
    VersionTextQuerySet,
    WorkplaceQuerySet,
)


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


class Origin(models.TextChoices):
    """Where a text in one language comes from."""

    SOURCE = "source", _("From a source article")
    TEAM = "team", _("Translated by the team, not yet reviewed")
    REVIEWED = "reviewed", _("Reviewed")


class Content(models.Model):
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


class Source(models.Model):
    """One of the articles the content was drawn from, kept as received in seeds/articles/."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    file = models.CharField(
        _("file"), max_length=200, help_text=_("Path of the article below the seeds folder.")
    )
    original_title = models.CharField(
        _("original title"),
        max_length=300,
        help_text=_("The title as it stands in the article, errors and all."),
    )
    title = models.CharField(_("title"), max_length=300)
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
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
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
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    career = models.TextField(
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
    text = models.TextField(_("text"))

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
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
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


class RoleQuality(models.Model):
    """A quality a role needs, and why this role needs it."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="role_qualities", verbose_name=_("role")
    )
    quality = models.ForeignKey(
        Quality, on_delete=models.CASCADE, related_name="role_qualities", verbose_name=_("quality")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    note = models.TextField(_("why this role needs it"), blank=True)
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
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("situation"))
    steps = models.TextField(_("what to do"), help_text=_("One step per line."))
    avoid = models.TextField(_("what to avoid"), blank=True)
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


class RoleScenario(models.Model):
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


class TextStatus(models.Model):
    """The review state of one translated text: a field of an object, in one language.

    A text with no row is unreviewed; an empty text is missing. `source_fingerprint` is the
    fingerprint of the default-language text the translation was written or reviewed against: when
    the source text changes, the translation is outdated (see roles/translation_status.py).
    """

    class State(models.TextChoices):
        UNREVIEWED = "unreviewed", _("unreviewed")
        REVIEWED = "reviewed", _("reviewed")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    field = models.CharField(_("field"), max_length=40)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    source_fingerprint = models.CharField(_("source fingerprint"), max_length=16, blank=True)
    # The text itself when its state was recorded: a text changed by any other route (a restore,
    # a script) is unreviewed again.
    text_fingerprint = models.CharField(_("text fingerprint"), max_length=16, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("text status")
        verbose_name_plural = _("text statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="text_status_unique"
            ),
        ]
        # Per language: who may write its texts, and who may mark them reviewed.
        permissions = [
            *[
                (f"translate_{code}", f"Can edit the {code} texts")
                for code, _name in settings.LANGUAGES
            ],
            *[
                (f"review_{code}", f"Can mark the {code} texts reviewed")
                for code, _name in settings.LANGUAGES
            ],
            ("publish", "Can publish and unpublish content"),
        ]

    def __str__(self):
        return f"{self.field} [{self.language}]: {self.state}"


class SearchEntry(models.Model):
    """One object's searchable text in one language (roles/search.py keeps these up to date).

    On PostgreSQL, `document` holds the text-search vector (title weighted above body, accents
    removed), indexed per language over public entries.
    """

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    public = models.BooleanField(_("public"), default=False)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    document = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="search_entry_unique"
            ),
        ]
        indexes = [models.Index(fields=["language", "public"], name="search_entry_language")]

    def __str__(self):
        return f"{self.kind} {self.object_id} [{self.language}]"


class SearchWord(models.Model):
    """A word that occurs in a public text of this language, in lower case (PostgreSQL only).

    The lexicon for typo tolerance: a misspelt query word is compared (pg_trgm, indexed) with these
    few thousand words rather than with every text, then searched for as spelt here. `folded` is the
    word without accents, which the comparison uses.
    """

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    word = models.CharField(_("word"), max_length=60)
    folded = models.CharField(_("word without accents"), max_length=60)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="search_word_unique"),
        ]

    def __str__(self):
        return f"{self.word} [{self.language}]"


class ContentVersion(models.Model):
    """One row: a number that every change to the content raises (roles/page_cache.py).

    Kept pages are stored under it, so a change makes every kept page stale at once, on every app
    instance, in the same transaction as the change itself.
    """

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.value)


class VersionText(models.Model):
    """A text some published version holds, stored once however many versions hold it.

    Versions refer to their texts by digest (roles/publishing.py), so publishing a role again
    stores only the texts that changed.
    """

    digest = models.CharField(_("digest"), max_length=64, primary_key=True)
    text = models.TextField(_("text"))

    objects = VersionTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("text of a published version")
        verbose_name_plural = _("texts of published versions")

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The texts of published versions are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The texts of published versions are never deleted.")


class RoleVersion(models.Model):
    """A role as it was published: numbered, immutable, with a permalink of its own.

    The content is what readers saw when it was published, in every language: the role's texts,
    its duties, qualities, scenarios, workplaces, career ladder and codes, as digests of
    VersionText (roles/publishing.py). A version is found by the role's key, which never
    changes, so its links keep working even if the role is deleted. It is never edited or
    deleted; an editor may withdraw it (it then answers 410).
    """

    role_key = models.SlugField(_("role"), max_length=20, choices=RoleKey.choices)
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"), editable=False)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, editable=False)
    # Per language, the fingerprint of what the role's page showed in it: "edited since".
    page_fingerprints = models.JSONField(
        _("fingerprints per language"), default=dict, editable=False
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    objects = RoleVersionQuerySet.as_manager()

    # The only fields a saved version may change: those of its withdrawal.
    WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by", "withdrawal_reason"})

    class Meta:
        ordering = ["role_key", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["role_key", "number"], name="role_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="role_version_from_one"),
        ]

    def __str__(self):
        return f"{self.get_role_key_display()}, v{self.number}"

    def save(self, *args, update_fields=None, **kwargs):
        if not self._state.adding and (
            update_fields is None
            or not self.WITHDRAWAL_FIELDS.issuperset(update_fields)
            or self.withdrawn_at is None
        ):
            raise ValueError("A published version is never changed, except to withdraw it.")
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return page_url("roles:role-version", key=self.role_key, number=self.number)

    def delete(self, *args, **kwargs):
        raise ValueError("A published version is never deleted; withdraw it instead.")

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class FormerSlug(models.Model):
    """A slug an object had before it was renamed: its old links answer 301 to the new one."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    slug = models.SlugField(_("slug"), max_length=80)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="former_slug_unique"),
        ]

    def __str__(self):
        return self.slug


class SeedRecord(models.Model):
    """What `load_seeds` last wrote to one object: a fingerprint per field.

    A field whose current value no longer matches its fingerprint was changed by an editor, and the
    loader keeps it (unless told --force).
    """

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=200)
    fingerprints = models.JSONField(_("fingerprints"), default=dict)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("seed record")
        verbose_name_plural = _("seed records")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="seed_record_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
