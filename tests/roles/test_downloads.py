"""A published version's job description as files for hiring systems (issue 19): plain text,
Markdown and DOCX per version and language, linked from the page for employers, never changing."""

import datetime
import html
import io
import json
import re
import zipfile
from unittest import mock

import docx
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.translation import override
from markdown_it import MarkdownIt

from roles.languages import conventions_file
from roles.models import Role, RoleVersion
from roles.occupation_codes import role_codes
from roles.sharing import job_description
from roles.versions import publishing

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# What the JobPosting leaves to the employer, as it is written ([[FILL IN: …]]).
PLACEHOLDER = re.compile(r"\[\[[^\[\]:]+: [^\[\]]+\]\]")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(lang: str, key: str, number: int, extension: str) -> str:
    return f"/{lang}/roles/{key}/v/{number}/job-description.{extension}"


def job_posting(client, lang: str) -> dict:
    """The kit's JobPosting for the agent in `lang`: what the files must agree with."""
    page = client.get("/nb/roles/agent/for-employers/", {"kit": lang}).text
    found = re.search(r'<textarea id="job-posting"[^>]*>(.*?)</textarea>', page, re.S)
    return json.loads(html.unescape(found.group(1)))


def placeholders(posting: dict) -> set[str]:
    return set(PLACEHOLDER.findall(json.dumps(posting, ensure_ascii=False)))


def opened(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def docx_text(document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def expected(lang: str, key: str = "agent") -> dict:
    """The version's texts in `lang` as the JobPosting has them, and its codes."""
    role = Role.objects.get(key=key)
    with override(lang):
        codes = [code.value for code in role_codes(role)]
    return {"title": getattr(role, f"title_{lang}"), "codes": codes}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_docx_opens_and_holds_everything_the_job_posting_does(client, seeded, lang):
    posting = job_posting(client, lang)
    response = client.get(url(lang, "agent", 1, "docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="agent-v1-{lang}.docx"'
    document = opened(response.content)
    body = docx_text(document)
    occupation = posting["relevantOccupation"]
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == posting["title"] == expected(lang)["title"]
    assert occupation["description"] in body
    for item in [*occupation["responsibilities"], *occupation["skills"]]:
        assert item in body
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert set(occupation["responsibilities"]) <= set(bullets)
    assert set(occupation["skills"]) <= set(bullets)
    for code in expected(lang)["codes"]:
        assert code in body
    pinned = f"http://testserver/{lang}/roles/agent/v/1/"
    assert occupation["url"] == pinned
    assert pinned in [link.address for p in document.paragraphs for link in p.hyperlinks]
    assert set(PLACEHOLDER.findall(body)) == placeholders(posting)
    assert len(placeholders(posting)) > 10
    properties = document.core_properties
    tag = settings.OPEN_GRAPH_LOCALES[lang].replace("_", "-")  # "nb-NO", as Word names them
    assert (properties.title, properties.language) == (posting["title"], tag)
    # Word's spelling checker follows the document's default language and the Normal style's.
    languages = document.styles.element.xpath(".//w:docDefaults//w:lang/@w:val")
    languages += document.styles["Normal"].element.xpath("./w:rPr/w:lang/@w:val")
    assert languages == [tag, tag]
    # A4, as offices print here (python-docx's template is US Letter).
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    published = RoleVersion.objects.of("agent").get(number=1).published_at
    assert properties.created == properties.modified == published.replace(microsecond=0)


@pytest.mark.parametrize(
    "lang", [code for code in LANGUAGES if conventions_file(code)[1].get("quotes")]
)
def test_the_text_file_is_utf8_and_quotes_as_its_language_does(client, seeded, lang):
    response = client.get(url(lang, "agent", 1, "txt"))

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="agent-v1-{lang}.txt"'
    content = response.content.decode("utf-8")
    opening, closing = conventions_file(lang)[1]["quotes"]
    assert f"{opening}{expected(lang)['title']}{closing}" in content
    posting = job_posting(client, lang)
    assert set(PLACEHOLDER.findall(content)) == placeholders(posting)
    assert "http://testserver/" + lang + "/roles/agent/v/1/\n" in content
    for item in posting["relevantOccupation"]["responsibilities"]:
        assert f"\n- {item}\n" in content


def test_markdown_has_headings_and_lists_and_escapes_the_texts(client, seeded):
    role = Role.objects.get(key="agent")
    role.title_nb = "Agent *stjerne* _under_ [lenke](https://example.com) <b>fet</b> #1"
    role.save()
    duty = role.duties.first()
    duty.text_nb = "1. Ikke en nummerert liste & ikke &amp; en entitet"
    duty.save()
    version = publishing.publish(role)
    response = client.get(url("nb", "agent", version.number, "md"))

    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    source = response.content.decode()
    assert source.startswith("# Agent \\*stjerne\\* \\_under\\_ \\[lenke\\]")
    assert "\n## " in source and "\n- " in source
    rendered = MarkdownIt("commonmark").render(source)
    assert "<h1>" in rendered and "<h2>" in rendered and "<ul>" in rendered
    assert "<em>" not in rendered and "<a " not in rendered.split("<h2>")[0]
    assert "<b>" not in rendered and "<ol" not in rendered
    assert html.escape(role.title_nb, quote=False) in rendered
    assert html.escape(duty.text_nb, quote=False) in rendered
    link = f"http://testserver/nb/roles/agent/v/{version.number}/"
    assert f'<a href="{link}">{link}</a>' in rendered
    # The placeholders read as they are written, once Markdown is shown; in the file their
    # brackets are as written too, so that they can be found and replaced there.
    blanks = placeholders(job_posting(client, "nb"))
    for placeholder in blanks:
        assert html.escape(placeholder, quote=False) in rendered
    assert len(PLACEHOLDER.findall(source)) == len(blanks)
    assert set(PLACEHOLDER.findall(source)) == blanks  # as written: "FULL_TIME", not "FULL\\_TIME"


def test_markdown_escapes_every_significant_character():
    for value in ["*a*", "_a_", "`a`", "[a](b)", "<a>", "# a", "- a", "+ a", "1. a", "2) a",
                  "= a", "a | b", "~~a~~", "![a](b)", "&amp;", "a\\b"]:  # fmt: skip
        rendered = MarkdownIt("commonmark").render(job_description.escape_markdown(value))
        assert rendered == f"<p>{html.escape(value, quote=False)}</p>\n", value


@pytest.mark.parametrize("extension", ["txt", "md", "docx"])
def test_two_downloads_of_a_version_are_byte_identical(client, seeded, settings, extension):
    settings.PAGE_CACHE = False  # each download is made again
    first = client.get(url("el", "agent", 1, extension))
    # A second later by the clock python-docx and zipfile read.
    later = timezone.now().timestamp() + 3600
    with mock.patch("time.time", return_value=later):
        second = client.get(url("el", "agent", 1, extension))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_the_docx_zip_entries_carry_the_versions_date(client, seeded):
    content = client.get(url("da", "agent", 1, "docx")).content
    published = RoleVersion.objects.of("agent").get(number=1).published_at
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        dates = {entry.date_time for entry in package.infolist()}
        assert not [name for name in package.namelist() if "thumbnail" in name]
    *day, seconds = published.astimezone(datetime.UTC).timetuple()[:6]
    assert dates == {(*day, seconds - seconds % 2)}  # a zip's times are in steps of 2 s


def test_a_new_version_leaves_the_old_ones_files_unchanged(client, seeded):
    before = {ext: client.get(url("nb", "agent", 1, ext)).content for ext in ("txt", "md", "docx")}
    role = Role.objects.get(key="agent")
    role.summary_nb = "En helt ny oppsummering av rollen."
    role.save()
    version = publishing.publish(role)

    for ext, content in before.items():
        assert client.get(url("nb", "agent", 1, ext)).content == content
        new = client.get(url("nb", "agent", version.number, ext)).content
        assert new != content
    assert "En helt ny oppsummering" in docx_text(opened(new))
    assert "En helt ny oppsummering" not in docx_text(opened(before["docx"]))


def test_a_withdrawn_version_answers_410(client, seeded):
    version = RoleVersion.objects.of("manager").get()
    publishing.withdraw(version, user=None, reason="Wrong.")
    for ext in ("txt", "md", "docx"):
        response = client.get(url("da", "manager", version.number, ext))
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
        assert "/da/roles/manager/v/" in response.text  # the list of its versions


@pytest.mark.parametrize(
    "address",
    [
        url("nb", "agent", 7, "txt"),
        url("nb", "agent", 10**30, "md"),
        url("nb", "nobody", 1, "docx"),
        url("nb", "agent", 1, "pdf"),
        url("nb", "agent", 1, "tar.gz"),
        "/nb/roles/agent/v/1/job-description.",
        "/nb/roles/agent/v/1/job-description",
    ],
)
def test_unknown_versions_roles_and_formats_are_a_404(client, seeded, address):
    assert client.get(address).status_code == 404


def test_it_answers_get_and_head_only(client, seeded):
    assert client.head(url("nb", "agent", 1, "txt")).status_code == 200
    assert client.post(url("nb", "agent", 1, "txt")).status_code == 405


def test_an_unchanged_file_answers_304(client, seeded):
    first = client.get(url("nb", "agent", 1, "docx"))
    again = client.get(url("nb", "agent", 1, "docx"), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert first["Cache-Control"].startswith("public, max-age=3600")


def test_a_download_is_made_in_a_bounded_number_of_queries(
    client, seeded, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    with django_assert_max_num_queries(3):
        assert client.get(url("el", "agent", 1, "docx")).status_code == 200


def test_a_download_is_made_once_per_version_and_language(client, seeded):
    with mock.patch.object(job_description, "describe", wraps=job_description.describe) as made:
        Client().get(url("el", "agent", 1, "txt"))
        Client().get(url("el", "agent", 1, "txt"), {"utm_source": "ats"})
        Client().get(url("nb", "agent", 1, "txt"))
    assert [call.args[2] for call in made.call_args_list] == ["el", "nb"]


def test_a_text_not_yet_translated_falls_back_as_the_version_page_does(client, seeded):
    role = Role.objects.get(key="agent")
    role.summary_el = ""
    role.save()
    version = publishing.publish(role)
    page = client.get(f"/el/roles/agent/v/{version.number}/").text
    content = client.get(url("el", "agent", version.number, "txt")).content.decode()
    fallback = next(
        getattr(role, f"summary_{code}") for code in LANGUAGES if getattr(role, f"summary_{code}")
    )
    assert fallback in content
    assert html.escape(fallback) in page


# The page for employers links to the files.


@pytest.mark.parametrize("kit", LANGUAGES)
def test_the_page_for_employers_links_to_the_files_in_the_kits_language(client, seeded, kit):
    page = client.get("/nb/roles/agent/for-employers/", {"kit": kit}).text

    block = page[page.index('id="job-description"') :]
    block = block[: block.index("</section>")]
    for ext in ("txt", "md", "docx"):
        assert f'href="{url(kit, "agent", 1, ext)}" download="agent-v1-{kit}.{ext}"' in block
        assert client.get(url(kit, "agent", 1, ext)).status_code == 200
    assert f'hreflang="{kit}"' in block


def test_a_role_with_no_published_version_has_nothing_to_download(editor_client, seeded):
    RoleVersion.objects.filter(role_key="associate").update(withdrawn_at=timezone.now())
    page = editor_client.get("/nb/roles/associate/for-employers/").text

    block = page[page.index('id="job-description"') :]
    block = block[: block.index("</section>")]
    assert "job-description." not in block
    assert "<p>" in block


def test_a_file_has_one_address(client, seeded):
    """/v/01/ answers 301 to /v/1/, as the version's page does."""
    response = client.get("/nb/roles/agent/v/01/job-description.md?utm_source=x")
    assert response.status_code == 301
    assert response["Location"] == "/nb/roles/agent/v/1/job-description.md?utm_source=x"
