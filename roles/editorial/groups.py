"""The editorial groups: editors, and per language its translators and its reviewers. Made by the
migrations (create_groups), named in English ("Editors", "Translators (el)", "Reviewers (el)") as
code and README refer to them, so the rows keep those names; wherever the admin prints a group, it
shows the translation."""

import re

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.utils.translation import gettext

from roles.languages import language_name, languages

# What a language's groups may do: its translators view and change the content, its reviewers view
# it; both read the termbase and the dismissed warnings (a translator dismisses a warning on their
# language's text). Editors have every permission of roles.
CONTENT_MODELS = ["role", "duty", "quality", "rolequality", "scenario", "workplace", "source"]
REFERENCE_MODELS = ["term", "checkdismissal"]

PER_LANGUAGE = re.compile(r"(Translators|Reviewers) \((?P<code>[\w-]+)\)")


def group_label(name: str) -> str:
    """A group's name as the admin shows it: translated when the migrations made it."""
    if name == "Editors":
        return gettext("Editors")
    match = PER_LANGUAGE.fullmatch(name)
    if match is None or match["code"] not in languages():
        return name
    language = language_name(match["code"])
    if match[1] == "Translators":
        return gettext("Translators (%(language)s)") % {"language": language}
    return gettext("Reviewers (%(language)s)") % {"language": language}


def show_translated_names() -> None:
    """Group.__str__ (lists, filters, the user form's selector, titles) shows `group_label`."""
    Group.__str__ = lambda group: group_label(group.name)


def create_groups(apps, codes: list[str] | None = None) -> None:
    """Editors, and per language of `codes` (every language of settings.LANGUAGES if None) its
    translators and reviewers, with their permissions. Migrations call it with their `apps`:
    0004_editorial_groups made the first groups, and a language added later gets its groups from
    a migration of its own (docs/ADDING-A-LANGUAGE.md), so they are the other languages' groups.
    Editors get every permission of roles when all languages are made, else the new languages'."""
    # Permissions are normally made after all migrations; the groups need them now. A migration's
    # app configs have no models module, which create_permissions requires: lent one, then given
    # back what they had (the project's own, when called with django.apps.apps).
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    roles = Permission.objects.filter(content_type__app_label="roles")
    views = [f"view_{model}" for model in CONTENT_MODELS + REFERENCE_MODELS]
    changes = [f"change_{model}" for model in CONTENT_MODELS]

    editors, _made = Group.objects.get_or_create(name="Editors")
    if codes is None:
        codes = [code for code, _name in settings.LANGUAGES]
        editors.permissions.add(*roles)
    for code in codes:
        editors.permissions.add(*roles.filter(codename__in=[f"translate_{code}", f"review_{code}"]))
        translators, _made = Group.objects.get_or_create(name=f"Translators ({code})")
        translators.permissions.add(
            *roles.filter(codename__in=[*views, *changes, f"translate_{code}"])
        )
        reviewers, _made = Group.objects.get_or_create(name=f"Reviewers ({code})")
        reviewers.permissions.add(*roles.filter(codename__in=[*views, f"review_{code}"]))
