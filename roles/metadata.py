"""What other systems read from a page: schema.org JSON-LD (link previews are in base.html)."""

from roles.models import Role
from roles.occupation_codes import role_codes
from roles.texts import text


def occupation(role: Role, request) -> dict:
    """schema.org Occupation for a role page (the duties and qualities must be prefetched)."""
    title = text(role, "title")
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": title.value,
        "description": text(role, "summary").value,
        "inLanguage": title.language,  # the language of the name, which may have fallen back
        "url": request.build_absolute_uri(role.get_absolute_url()),
        "responsibilities": [text(duty, "text").value for duty in role.duties.all()],
        "skills": [text(link.quality, "name").value for link in role.role_qualities.all()],
    }
    # Occupation codes as CategoryCode: plain text would be read as O*NET-SOC.
    categories = []
    for code in role_codes(role):
        category = {"@type": "CategoryCode"}
        if code.is_uri:
            category["@id"] = code.url
        else:
            category["codeValue"] = code.value
        category["url"] = code.url
        category["inCodeSet"] = {"@type": "CategoryCodeSet", "name": code.scheme}
        categories.append(category)
    if categories:
        data["occupationalCategory"] = categories
    return data
