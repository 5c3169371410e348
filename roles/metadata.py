"""What other systems read from a page: schema.org JSON-LD (link previews are in base.html)."""

from django.utils.translation import get_language

from roles.models import Role
from roles.texts import text


def occupation(role: Role, request) -> dict:
    """schema.org Occupation for a role page (the duties and qualities must be prefetched)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": text(role, "title").value,
        "description": text(role, "summary").value,
        "inLanguage": get_language(),
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
