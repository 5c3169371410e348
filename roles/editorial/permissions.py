"""Who may change what: translators their language's texts (`roles.translate_<code>`), reviewers
mark them reviewed (`roles.review_<code>`), editors everything else (`roles.publish`)."""

from modeltranslation.utils import build_localized_fieldname

from roles.completeness import text_fields
from roles.languages import languages


def may_translate(user, code: str) -> bool:
    return user.has_perm(f"roles.translate_{code}")


def may_review(user, code: str) -> bool:
    return user.has_perm(f"roles.review_{code}")


def may_edit_structure(user) -> bool:
    return user.has_perm("roles.publish")


def locked_fields(user, model, names) -> set[str]:
    """The form fields of `model` this user may not change."""
    text_columns = {
        build_localized_fieldname(field, code): code
        for field in text_fields(model)
        for code in languages()
    }
    locked = set()
    for name in names:
        if name in text_columns:
            if not may_translate(user, text_columns[name]):
                locked.add(name)
        elif name != "edit_token" and not may_edit_structure(user):
            locked.add(name)
    return locked
