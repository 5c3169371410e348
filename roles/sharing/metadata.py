"""What other systems read from a page: schema.org JSON-LD (link previews are in base.html)."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _

from roles.models import Role
from roles.occupation_codes import role_codes
from roles.texts import text

# The site's name as other software shows it (feeds, oEmbed, link-preview images, documents): the
# same words as the pages' own (base.html's site_name).
SITE_NAME = _("Customer service knowledge base")


def occupation(role: Role, request) -> dict:
    """schema.org Occupation for a role page (the duties and qualities must be prefetched)."""
    return _occupation(
        role,
        url=request.build_absolute_uri(role.get_absolute_url()),
        duties=role.duties.all(),
        qualities=[link.quality for link in role.role_qualities.all()],
    )


def pinned_occupation(shown, url: str) -> dict:
    """schema.org Occupation for the role as a published version holds it (pinned.PinnedRole):
    what a job posting that links to the version describes."""
    return _occupation(
        shown.role,
        url=url,
        duties=shown.duties,
        qualities=[quality for quality, _note in shown.qualities],
        codes=shown,
    )


def _occupation(role, *, url: str, duties, qualities, codes=None) -> dict:
    """In the active language, that of the page at `url`."""
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": text(role, "title").value,
        "description": text(role, "summary").value,
        "url": url,
        # An Occupation has no inLanguage (schema.org gives it to creative works such as pages):
        # the page that describes it says which language it is in.
        "mainEntityOfPage": {"@type": "WebPage", "@id": url, "inLanguage": get_language()},
        "responsibilities": [text(duty, "text").value for duty in duties],
        "skills": [text(quality, "name").value for quality in qualities],
    }
    # Occupation codes as CategoryCode: plain text would be read as O*NET-SOC.
    categories = []
    for code in role_codes(codes or role):
        category = {"@type": "CategoryCode"}
        if code.is_uri:
            category["@id"] = code.url  # ESCO's URI is also its code
        category["codeValue"] = code.value
        category["url"] = code.url
        category["inCodeSet"] = {
            "@type": "CategoryCodeSet",
            "name": code.scheme,
            "url": code.scheme_url,
        }
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


def placeholders() -> dict[str, str]:
    """What only the employer knows, each marked for HR to replace, in the active language, by
    where the JobPosting puts it: the JobPosting and the downloadable job descriptions
    (job_description.py) ask for the same values in the same words."""
    organisation = gettext("the name of your organisation")
    return {
        "description": fill_in(
            gettext(
                "what is particular to this job: the team, working hours, what you offer and how "
                "to apply"
            )
        ),
        "datePosted": fill_in(gettext("the date the job is posted, as YYYY-MM-DD")),
        "validThrough": fill_in_or_delete(gettext("the last day to apply, as YYYY-MM-DD")),
        "employmentType": fill_in_or_delete(
            gettext("FULL_TIME, PART_TIME, TEMPORARY or another schema.org employment type")
        ),
        "hiringOrganization.name": fill_in(organisation),
        "hiringOrganization.sameAs": fill_in_or_delete(
            gettext("the address of your organisation's website")
        ),
        "streetAddress": fill_in(gettext("the street address of the workplace")),
        "postalCode": fill_in(gettext("the postal code")),
        "addressLocality": fill_in(gettext("the town or city")),
        "addressCountry": fill_in(gettext("the country, as its two-letter ISO 3166 code")),
        "currency": fill_in_or_delete(gettext("the currency, as its ISO 4217 code")),
        "value": fill_in_or_delete(gettext("the pay, as a number")),
        "unitText": fill_in_or_delete(gettext("HOUR, MONTH or YEAR")),
        "identifier.name": fill_in_or_delete(organisation),
        "identifier.value": fill_in_or_delete(
            gettext("your own reference for this job, such as its number")
        ),
        "directApply": fill_in_or_delete(
            gettext("true if applicants can apply on the page of this posting, else false")
        ),
        # For a job done from home: where applicants may live.
        "jobLocationType": fill_in_or_delete(
            gettext("TELECOMMUTE if the job is done entirely from home")
        ),
        "applicantLocationRequirements": fill_in_or_delete(
            gettext("for a job done from home, the country applicants must live in")
        ),
    }


def job_posting(role_occupation: dict, language: str) -> dict:
    """A schema.org JobPosting for a role, in `language`, for HR to paste into their own posting.
    What the knowledge base knows comes from `role_occupation` (occupation() or
    pinned_occupation(), made in `language`); what only the employer knows is a placeholder."""
    with override(language):
        role_occupation = {k: v for k, v in role_occupation.items() if k != "@context"}
        blank = placeholders()
        return {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            # Every property Google Search Central's JobPosting documentation requires
            # (title, description, datePosted, hiringOrganization, jobLocation) or recommends
            # (validThrough, employmentType, baseSalary, identifier, directApply,
            # jobLocationType, applicantLocationRequirements) is here:
            # https://developers.google.com/search/docs/appearance/structured-data/job-posting
            "title": role_occupation["name"],
            "description": _description(role_occupation, role_occupation["url"], blank),
            "datePosted": blank["datePosted"],
            "validThrough": blank["validThrough"],
            "employmentType": blank["employmentType"],
            "hiringOrganization": {
                "@type": "Organization",
                "name": blank["hiringOrganization.name"],
                "sameAs": blank["hiringOrganization.sameAs"],
            },
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": blank["streetAddress"],
                    "postalCode": blank["postalCode"],
                    "addressLocality": blank["addressLocality"],
                    "addressCountry": blank["addressCountry"],
                },
            },
            "baseSalary": {
                "@type": "MonetaryAmount",
                "currency": blank["currency"],
                "value": {
                    "@type": "QuantitativeValue",
                    "value": blank["value"],
                    "unitText": blank["unitText"],
                },
            },
            "identifier": {
                "@type": "PropertyValue",
                "name": blank["identifier.name"],
                "value": blank["identifier.value"],
            },
            "directApply": blank["directApply"],
            "jobLocationType": blank["jobLocationType"],
            "applicantLocationRequirements": {
                "@type": "Country",
                "name": blank["applicantLocationRequirements"],
            },
            "relevantOccupation": role_occupation,
        }


def _description(role_occupation: dict, url: str, blank: dict[str, str]) -> str:
    """The posting's description, in HTML as search engines expect it; every text is escaped."""
    parts = [format_html("<p>{}</p>", role_occupation["description"])]
    for heading, items in (
        (gettext("Duties:"), role_occupation["responsibilities"]),
        (gettext("Qualities the role needs:"), role_occupation["skills"]),
    ):
        if items:
            rows = format_html_join("", "<li>{}</li>", ((item,) for item in items))
            parts.append(format_html("<p>{}</p><ul>{}</ul>", heading, rows))
    parts.append(format_html("<p>{}</p>", blank["description"]))
    parts.append(format_html('<p>{} <a href="{}">{}</a></p>', gettext("About the role:"), url, url))
    return "".join(str(part) for part in parts)
