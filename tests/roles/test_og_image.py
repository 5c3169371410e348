"""Each role's Open Graph image: a PNG card per language, kept per content version, and the role
page's head pointing to it."""

import hashlib
import html
import io
import re
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import get_language_info, override
from PIL import Image, ImageDraw

from roles.models import Role, RoleKey
from roles.sharing import og_image

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROLES = RoleKey.values
NOT_A_CHARACTER = "\u0378"  # unassigned (in the Greek block): every font draws its .notdef box


def url(lang: str, key: str) -> str:
    return f"/{lang}/roles/{key}/og.png"


def opened(content: bytes) -> Image.Image:
    """The PNG, checked whole, then opened again to be read (verify() leaves it unusable)."""
    Image.open(io.BytesIO(content)).verify()
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def meta_tags(content: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', content)
    return {name: html.unescape(value) for name, value in found}


@pytest.mark.parametrize("key", ROLES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_role_has_a_png_card_in_each_language(client, seeded, lang, key):
    response = client.get(url(lang, key))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert int(response["Content-Length"]) == len(response.content)
    assert "public" in response["Cache-Control"]
    assert f"max-age={og_image.MAX_AGE}" in response["Cache-Control"]
    image = opened(response.content)
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert image.mode == "RGB"


@pytest.mark.parametrize("key", ROLES)
def test_each_language_has_its_own_card(client, seeded, key):
    cards = {hashlib.sha256(client.get(url(lang, key)).content).digest() for lang in LANGUAGES}
    assert len(cards) == len(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_font_draws_every_character_of_the_cards(seeded, lang):
    """No tofu: every character on the seeded cards is a glyph of the font, not its .notdef box."""
    with override(lang):
        texts = [str(og_image.SITE_NAME), get_language_info(lang)["name_local"]]
    for role in Role.objects.all():
        texts += [getattr(role, f"title_{lang}"), getattr(role, f"summary_{lang}")]
    characters = set("".join(texts)) - {" "}

    for name in (og_image.REGULAR, og_image.BOLD):
        face = og_image.font(name, 40)
        notdef = drawn(face, NOT_A_CHARACTER)
        missing = {c for c in characters if drawn(face, c) == notdef or not width(face, c)}
        assert not missing, f"{name} lacks {sorted(missing)}"


def drawn(face, character: str) -> bytes:
    image = Image.new("L", (120, 120))
    ImageDraw.Draw(image).text((20, 20), character, font=face, fill=255)
    return image.tobytes()


def width(face, character: str) -> int:
    left, _top, right, _bottom = face.getbbox(character)
    return right - left


def test_greek_titles_are_drawn_on_the_card(client, seeded):
    """The title area of a Greek card holds dark text, as the title's own drawing does."""
    image = opened(client.get(url("el", "agent")).content).convert("L")
    title_area = image.crop((og_image.MARGIN, og_image.HEADER_BOTTOM + 40, 1128, 300))
    assert title_area.getextrema()[0] < 80  # the ink colour, not only the white paper


def test_an_edited_title_gives_a_new_card_at_once(client, seeded):
    before = client.get(url("el", "agent"))
    assert client.get(url("el", "agent")).content == before.content  # kept

    role = Role.objects.get(key="agent")
    role.title_el = "Εκπρόσωπος εξυπηρέτησης και υποστήριξης πελατών"
    role.save()
    after = client.get(url("el", "agent"))

    assert after["X-Cache"] == "miss"
    assert after.content != before.content
    assert opened(after.content).size == (1200, 630)
    assert client.get(url("nb", "agent")).status_code == 200


def test_a_card_is_drawn_once_per_content_version(client, seeded):
    with mock.patch.object(og_image, "render", wraps=og_image.render) as render:
        client.get(url("da", "manager"))
        # Another address of the same card (the page cache keeps addresses apart): the kept
        # drawing is reused.
        client.get(url("da", "manager"), {"size": "large"})
        assert render.call_count == 1
        Role.objects.get(key="manager").save()
        client.get(url("da", "manager"))
        assert render.call_count == 2


def test_the_page_cache_keeps_the_png_whole(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(2):  # the content version, the role
        first = client.get(url("nb", "associate"))
    with django_assert_num_queries(1):  # the content version only
        second = client.get(url("nb", "associate"))

    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == "image/png"
    assert second["Content-Length"] == first["Content-Length"]
    assert second["Cache-Control"] == first["Cache-Control"]
    assert opened(second.content).size == (1200, 630)


def test_an_unchanged_card_answers_304(client, seeded):
    first = client.get(url("el", "manager"))
    assert first["ETag"]

    again = client.get(url("el", "manager"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url("el", "manager"), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_unknown_and_unpublished_roles_have_no_card(client, editor_client, seeded):
    assert client.get(url("nb", "chef")).status_code == 404
    Role.objects.filter(key="manager").update(published=False)

    assert Client().get(url("nb", "manager")).status_code == 404
    preview = editor_client.get(url("nb", "manager"))
    assert preview.status_code == 200  # editors preview drafts, in no shared cache
    assert "private" in preview["Cache-Control"] and "public" not in preview["Cache-Control"]


def test_the_card_answers_get_and_head_only(client, seeded):
    head = client.head(url("da", "agent"))
    assert head.status_code == 200 and head["Content-Type"] == "image/png"
    assert client.post(url("da", "agent")).status_code == 405


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_role_page_points_to_its_card(client, seeded, lang):
    tags = meta_tags(client.get(f"/{lang}/roles/agent/").content.decode())
    title = getattr(Role.objects.get(key="agent"), f"title_{lang}")

    # The address carries a digest of what the image shows, so sites that keep previews by
    # address fetch it anew after an edit.
    assert tags["og:image"].startswith(f"http://testserver{url(lang, 'agent')}?v=")
    assert tags["og:image:type"] == "image/png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert title in tags["og:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    image = client.get(tags["og:image"].removeprefix("http://testserver"))
    assert image.status_code == 200
    assert opened(image.content).size == (1200, 630)


def test_the_alt_text_is_in_the_pages_language(client, seeded):
    for lang in LANGUAGES:
        tags = meta_tags(client.get(f"/{lang}/roles/agent/").content.decode())
        assert "title and summary" not in tags["og:image:alt"], lang


def test_other_pages_keep_the_small_card(client, seeded):
    tags = meta_tags(client.get("/nb/qualities/patience/").content.decode())
    assert "og:image" not in tags
    assert tags["twitter:card"] == "summary"


# Fitting text to the card.

FACE = ("DejaVuSans.ttf", 34)


def test_text_is_wrapped_between_words_within_the_width():
    face = og_image.font(*FACE)
    lines = og_image.wrap("Kundeservice handler om å lytte til kunden " * 3, face, 500, 10)

    assert len(lines) > 1
    assert all(face.getlength(line) <= 500 for line in lines)
    assert " ".join(lines) == " ".join(("Kundeservice handler om å lytte til kunden " * 3).split())


def test_a_word_wider_than_a_line_is_broken_inside():
    face = og_image.font(*FACE)
    lines = og_image.wrap("Kunde" + "x" * 200, face, 400, 20)

    assert len(lines) > 1
    assert all(face.getlength(line) <= 400 for line in lines)
    assert "".join(lines) == "Kunde" + "x" * 200


def test_text_that_does_not_fit_ends_with_an_ellipsis():
    face = og_image.font(*FACE)
    lines = og_image.wrap("Η υπομονή είναι αρετή στην εξυπηρέτηση πελατών. " * 20, face, 600, 3)

    assert len(lines) == 3
    assert lines[-1].endswith("…") and not lines[-1].endswith(".…")
    assert all(face.getlength(line) <= 600 for line in lines)


def test_text_that_fits_has_no_ellipsis_and_an_empty_text_no_lines():
    face = og_image.font(*FACE)
    assert og_image.wrap("Tålmodighet", face, 600, 3) == ["Tålmodighet"]
    assert og_image.wrap("", face, 600, 3) == []
    assert og_image.wrap(" \n\t", face, 600, 3) == []


def test_a_card_is_drawn_for_an_empty_summary_and_an_endless_title():
    png = og_image.render(
        site_name="Vidensbase om kundeservice",
        title="Kundeservicemedarbejder" * 100,
        summary="",
        address="kb.example.dk",
        language_name="dansk",
    )
    assert opened(png).size == (1200, 630)


def test_the_image_address_changes_when_what_it_shows_changes(client, seeded):
    def address(lang):
        return meta_tags(client.get(f"/{lang}/roles/agent/").content.decode())["og:image"]

    before = {lang: address(lang) for lang in LANGUAGES}
    role = Role.objects.get(key="agent")
    role.summary_el = "Νέα περίληψη για την κάρτα."
    role.save()
    after = {lang: address(lang) for lang in LANGUAGES}
    assert after["el"] != before["el"]
    assert after["nb"] == before["nb"]


# A published version's card: a pinned link in a job posting previews as the version reads.


def version_url(lang: str, key: str, number: int) -> str:
    return f"/{lang}/roles/{key}/v/{number}/og.png"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_version_page_points_to_the_versions_own_card(client, seeded, lang):
    tags = meta_tags(client.get(f"/{lang}/roles/agent/v/1/").content.decode())

    assert tags["og:image"] == f"http://testserver{version_url(lang, 'agent', 1)}"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert getattr(Role.objects.get(key="agent"), f"title_{lang}") in tags["og:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    image = client.get(version_url(lang, "agent", 1))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert opened(image.content).size == (1200, 630)


def test_a_versions_card_keeps_the_text_it_was_published_with(client, seeded):
    from roles.versions import publishing

    with mock.patch.object(og_image, "render", wraps=og_image.render) as render:
        client.get(version_url("el", "agent", 1))
    drawn = render.call_args.kwargs
    role = Role.objects.get(key="agent")
    assert drawn["title"] == role.title_el
    with override("el"):
        assert drawn["language_name"] == "Έκδοση 1 στα ελληνικά"

    role.title_el = "Εκπρόσωπος υποστήριξης πελατών"
    role.save()
    publishing.publish(role)
    with mock.patch.object(og_image, "render", wraps=og_image.render) as render:
        client.get(version_url("el", "agent", 1))
        client.get(version_url("el", "agent", 2))
    first, second = (call.kwargs["title"] for call in render.call_args_list)
    assert first != second == "Εκπρόσωπος υποστήριξης πελατών"


def test_a_withdrawn_or_missing_version_has_no_card(client, seeded):
    from roles.models import RoleVersion
    from roles.versions import publishing

    publishing.withdraw(RoleVersion.objects.of("manager").get(), user=None, reason="Wrong.")
    assert client.get(version_url("da", "manager", 1)).status_code == 410
    assert client.get(version_url("da", "agent", 7)).status_code == 404
    assert client.get(version_url("da", "agent", 10**30)).status_code == 404
