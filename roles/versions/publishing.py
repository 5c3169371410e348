"""Publishing a role: each publish stores a numbered, immutable version of what readers see, as
JSON whose texts are VersionText digests. It is built from the same reads as the role page
(`Role.objects.with_content()`), so a version holds exactly what the page showed."""

import base64
import hashlib
import json
import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname, resolution_order

from roles.languages import languages
from roles.models import Role, RoleVersion, VersionText
from roles.texts import unix_line_ends

logger = logging.getLogger(__name__)

ROLE_TEXTS = ("title", "summary", "body", "career")
SCENARIO_TEXTS = ("title", "situation", "steps", "avoid")
# Plain values kept as they are: the occupation codes the role has.
CODES = ("isco08", "esco_uri", "onet_soc")
LANGUAGE_CODES = frozenset(languages())


class NothingToPublish(Exception):
    """The role reads exactly as its current version: publishing again would change nothing."""

    def __init__(self, version: RoleVersion):
        super().__init__(f"{version} is unchanged")
        self.version = version


# A text's digest: the first 132 bits of its SHA-256, in URL-safe base64. Versions hold one per
# text and language, so a short digest keeps them small.
DIGEST_LENGTH = 22


def digest(value: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(value.encode()).digest())[
        :DIGEST_LENGTH
    ].decode()


class _Collector:
    """Turns objects into {language: digest} maps, and remembers the texts to store."""

    def __init__(self, languages):
        self.languages = languages
        self.texts: dict[str, str] = {}

    def texts_of(self, obj, field: str) -> dict[str, str]:
        found = {}
        for code in self.languages:
            value = getattr(obj, build_localized_fieldname(field, code), None) or ""
            if value:
                key = digest(value)
                self.texts[key] = value
                found[code] = key
        return found

    def fields(self, obj, names) -> dict[str, dict[str, str]]:
        return {name: self.texts_of(obj, name) for name in names}


class _Shown(_Collector):
    """Turns objects into the digest of the text a page in `language` shows (the first along
    its fallback chain; "" if none): what shown_in() makes of _Collector's maps."""

    def __init__(self, language: str):
        super().__init__(resolution_order(language))

    def texts_of(self, obj, field: str) -> str:
        for code in self.languages:
            if value := getattr(obj, build_localized_fieldname(field, code), None):
                return digest(value)
        return ""


def snapshot(role: Role, codes=None, *, collect=None) -> tuple[dict, dict[str, str]]:
    """The role as a reader sees it, and the texts that holds: `role` must come from
    `Role.objects.with_content()`, whose prefetches keep out what is not published. With
    `codes`, only those languages' texts (those a role page read for its language)."""
    collect = collect or _Collector(codes or languages())
    leads_to = role.leads_to if role.leads_to and role.leads_to.published else None
    content = {
        **collect.fields(role, ROLE_TEXTS),
        "duties": [
            {"key": duty.key, "text": collect.texts_of(duty, "text")} for duty in role.duties.all()
        ],
        "qualities": [
            {
                "slug": link.quality.slug,
                "name": collect.texts_of(link.quality, "name"),
                "note": collect.texts_of(link, "note"),
            }
            for link in role.role_qualities.all()
        ],
        "scenarios": [
            {"slug": link.scenario.slug, **collect.fields(link.scenario, SCENARIO_TEXTS)}
            for link in role.role_scenarios.all()
        ],
        "workplaces": [
            {"slug": place.slug, "name": collect.texts_of(place, "name")}
            for place in role.workplaces.all()
        ],
        "leads_to": (
            {"key": leads_to.key, "title": collect.texts_of(leads_to, "title")}
            if leads_to
            else None
        ),
        "leads_from": [
            {"key": before.key, "title": collect.texts_of(before, "title")}
            for before in role.leads_from.all()
        ],
        "sources": [
            {
                "key": source.key,
                "language": source.language,
                "title": collect.texts_of(source, "title"),
            }
            for source in role.sources.all()
        ],
        "codes": {code: getattr(role, code) for code in CODES if getattr(role, code, "")},
    }
    return content, collect.texts


def with_digests(value, digests: dict[str, str]):
    """A version's content with its texts' digests replaced as `digests` maps them."""
    if is_text(value):
        return {code: digests.get(key, key) for code, key in value.items()}
    if isinstance(value, dict):
        return {key: with_digests(item, digests) for key, item in value.items()}
    if isinstance(value, list):
        return [with_digests(item, digests) for item in value]
    return value


def with_unix_line_ends(content: dict, store: dict[str, str]) -> dict:
    """`content` as if its texts had Unix line ends (one published before they were cleaned may
    hold a browser's CR LF), so that comparing versions never sees a line-end-only change.
    Adds the cleaned texts to `store`, the texts by digest."""
    digests = {}
    for key, text in list(store.items()):
        if "\r" in text:
            clean = unix_line_ends(text)
            digests[key] = digest(clean)
            store[digests[key]] = clean
    return with_digests(content, digests) if digests else content


def fingerprint(content: dict) -> str:
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def is_text(value) -> bool:
    """Whether a value of a version's content is one text: a {language: digest} map (empty when
    the text is in no language). The codes, {"isco08": …}, are not."""
    return isinstance(value, dict) and set(value) <= LANGUAGE_CODES


def shown_in(value, language: str):
    """The content as a page in `language` shows it: each text is the digest of the text shown,
    along the language's fallback chain ("" if none)."""
    if isinstance(value, dict):
        if is_text(value):
            return next((value[code] for code in resolution_order(language) if code in value), "")
        return {key: shown_in(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [shown_in(item, language) for item in value]
    return value


def page_fingerprints(content: dict) -> dict[str, str]:
    """Per language, the fingerprint of what the role's page showed in it."""
    return {code: fingerprint(shown_in(content, code)) for code in languages()}


def shows(role: Role, version: RoleVersion, language: str) -> bool:
    """Whether the role's page in `language` still shows what `version` showed in it. `role`
    needs only that language's texts and its fallbacks' (as a role page reads them). The same
    as fingerprint(shown_in(snapshot(role)[0], language)), digesting only the texts shown."""
    content, _texts = snapshot(role, collect=_Shown(language))
    return version.page_fingerprints.get(language) == fingerprint(content)


def publish(role: Role, *, user=None) -> RoleVersion:
    """Publish `role` (which becomes visible to readers) and store what it shows as its next
    version. Raises NothingToPublish if the role reads exactly as its current version (a role
    that was not published is published all the same, as that version)."""
    unchanged = None
    with transaction.atomic():
        # One publisher at a time per role: the version numbers follow each other.
        Role.objects.select_for_update().filter(pk=role.pk).first()
        if not role.published:
            role.published = True
            role.save(update_fields=["published", "updated_at"])
        loaded = Role.objects.with_content().get(pk=role.pk)
        content, texts = snapshot(loaded)
        current = RoleVersion.objects.current_of(role.key)
        if current is not None and current.fingerprint == fingerprint(content):
            unchanged = current
        else:
            version = _store(role, content, texts, user)
    if unchanged is not None:
        raise NothingToPublish(unchanged)
    logger.info("published %s", version)
    return version


def _store(role: Role, content: dict, texts: dict[str, str], user) -> RoleVersion:
    """The next version of `role`: only the texts not stored yet are written."""
    VersionText.objects.bulk_create(
        [VersionText(digest=key, text=value) for key, value in texts.items()],
        ignore_conflicts=True,
    )
    last = RoleVersion.objects.of(role.key).aggregate(last=Max("number"))["last"] or 0
    return RoleVersion.objects.create(
        role_key=role.key,
        number=last + 1,
        content=content,
        fingerprint=fingerprint(content),
        page_fingerprints=page_fingerprints(content),
        published_by=user if user and user.is_authenticated else None,
    )


def withdraw(version: RoleVersion, *, user, reason: str) -> RoleVersion:
    """Withdraw a version: its links answer 410 Gone and point to the current version. The
    version itself is kept, unchanged."""
    if version.withdrawn:
        return version
    version.withdrawn_at = timezone.now()
    version.withdrawn_by = user if user and user.is_authenticated else None
    version.withdrawal_reason = reason.strip()
    version.save(update_fields=sorted(RoleVersion.WITHDRAWAL_FIELDS))
    logger.info("withdrew %s: %s", version, version.withdrawal_reason)
    return version
