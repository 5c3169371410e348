"""The editorial groups' names in the admin's language. The migrations name the groups in English
("Editors", "Translators (el)", "Reviewers (el)") and code and README refer to them by those
names, so the rows keep them; wherever the admin prints a group, it shows the translation."""

import re

from django.contrib.auth.models import Group
from django.utils.translation import gettext

from roles.languages import language_name, languages

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
