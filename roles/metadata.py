"""What other systems read from a page: schema.org JSON-LD (link previews are in base.html)."""

from roles.models import Role
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
    if role.isco08:
        categories.append(
            {
                "@type": "CategoryCode",
                "codeValue": role.isco08,
                "inCodeSet": {"@type": "CategoryCodeSet", "name": "ISCO-08"},
            }
        )
    if role.esco_uri:
        categories.append(
            {
                "@type": "CategoryCode",
                "@id": role.esco_uri,
                "url": role.esco_uri,
                "inCodeSet": {"@type": "CategoryCodeSet", "name": "ESCO occupations"},
            }
        )
    if categories:
        data["occupationalCategory"] = categories
    return data
