"""What other systems read from a page: schema.org JSON-LD (link previews are in base.html)."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, override

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


def fill_in(what: str) -> str:
    """A value only the employer knows, marked for HR to replace before publishing."""
    return gettext("[[FILL IN: %(what)s]]") % {"what": what}


def fill_in_or_delete(what: str) -> str:
    """A value search engines recommend but do not require: HR may delete the property instead."""
    return gettext("[[FILL IN OR DELETE: %(what)s]]") % {"what": what}


def job_posting(role: Role, request, language: str, pinned_url: str | None = None) -> dict:
    """A schema.org JobPosting for this role, in `language`, for HR to paste into their own posting.

    The properties search engines require (title, description, datePosted, hiringOrganization,
    jobLocation) and recommend (validThrough, employmentType, baseSalary) are all present. What the
    knowledge base knows is filled in: the title, a description made of the role's summary, duties
    and qualities, and `relevantOccupation`, this role's Occupation with its codes. What only the
    employer knows is a marked placeholder (fill_in), in the same language. The description links
    to `pinned_url` (the role's current published version) when given, so the posting keeps
    pointing at the text it was written against; else to the role's page. The duties and
    qualities must be prefetched.
    """
    with override(language):
        role_occupation = occupation(role, request)
        del role_occupation["@context"]  # nested in the JobPosting's
        return {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": role_occupation["name"],
            "description": _description(role_occupation, pinned_url or role_occupation["url"]),
            "datePosted": fill_in(gettext("the date the job is posted, as YYYY-MM-DD")),
            "validThrough": fill_in_or_delete(gettext("the last day to apply, as YYYY-MM-DD")),
            "employmentType": fill_in_or_delete(
                gettext("FULL_TIME, PART_TIME, TEMPORARY or another schema.org employment type")
            ),
            "hiringOrganization": {
                "@type": "Organization",
                "name": fill_in(gettext("the name of your organisation")),
                "sameAs": fill_in_or_delete(gettext("the address of your organisation's website")),
            },
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": fill_in(gettext("the street address of the workplace")),
                    "postalCode": fill_in(gettext("the postal code")),
                    "addressLocality": fill_in(gettext("the town or city")),
                    "addressCountry": fill_in(
                        gettext("the country, as its two-letter ISO 3166 code")
                    ),
                },
            },
            "baseSalary": {
                "@type": "MonetaryAmount",
                "currency": fill_in_or_delete(gettext("the currency, as its ISO 4217 code")),
                "value": {
                    "@type": "QuantitativeValue",
                    "value": fill_in_or_delete(gettext("the pay, as a number")),
                    "unitText": fill_in_or_delete(gettext("HOUR, MONTH or YEAR")),
                },
            },
            "relevantOccupation": role_occupation,
        }


def _description(role_occupation: dict, url: str) -> str:
    """The posting's description, in HTML as search engines expect it; every text is escaped."""
    parts = [format_html("<p>{}</p>", role_occupation["description"])]
    for heading, items in (
        (gettext("Duties:"), role_occupation["responsibilities"]),
        (gettext("Qualities the role needs:"), role_occupation["skills"]),
    ):
        if items:
            rows = format_html_join("", "<li>{}</li>", ((item,) for item in items))
            parts.append(format_html("<p>{}</p><ul>{}</ul>", heading, rows))
    about = gettext(
        "what is particular to this job: the team, working hours, what you offer and how to apply"
    )
    parts.append(format_html("<p>{}</p>", fill_in(about)))
    parts.append(format_html('<p>{} <a href="{}">{}</a></p>', gettext("About the role:"), url, url))
    return "".join(str(part) for part in parts)
