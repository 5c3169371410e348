"""modeltranslation registrations: which fields have one column per language."""

from modeltranslation.translator import TranslationOptions, register

from roles.models import Duty, Quality, Role, RoleQuality, Scenario, Source, Term, Workplace


@register(Source)
class SourceTranslationOptions(TranslationOptions):
    fields = ("title", "origin")


@register(Workplace)
class WorkplaceTranslationOptions(TranslationOptions):
    fields = ("name", "description", "origin")


@register(Role)
class RoleTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "career", "origin")


@register(Duty)
class DutyTranslationOptions(TranslationOptions):
    fields = ("text", "origin")


@register(Quality)
class QualityTranslationOptions(TranslationOptions):
    fields = ("name", "description", "origin")


@register(RoleQuality)
class RoleQualityTranslationOptions(TranslationOptions):
    fields = ("note", "origin")


@register(Scenario)
class ScenarioTranslationOptions(TranslationOptions):
    fields = ("title", "situation", "steps", "avoid", "origin")


@register(Term)
class TermTranslationOptions(TranslationOptions):
    fields = ("term", "forms", "forbidden", "note")
