"""The read-only JSON API, /api/v1/: the published content in one language, for the systems HR
staff use (applicant tracking systems, job boards, intranets). The tests check every response
against its OpenAPI 3.1 description (kb/api/openapi.py)."""

import functools
import hashlib
from datetime import datetime

from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import override
from django.views.decorators.csrf import csrf_exempt

from kb.api.openapi import description
from kb.http.json import JsonError, cors, error
from roles.editorial import translation_status
from roles.languages import UnknownLanguage, choose_language, languages, unprefixed
from roles.models import KIND_OF, KINDS, Role, RoleVersion
from roles.texts import text

# The worst state of an object's texts in a language gives its status there.
SEVERITY = [
    translation_status.MISSING,
    translation_status.OUTDATED,
    translation_status.UNREVIEWED,
    translation_status.REVIEWED,
]


ALLOW = "GET, HEAD, OPTIONS"


def read_only(view):
    """An API address: GET and HEAD reach `view`; OPTIONS answers what the address allows (204,
    no content, so no Content-Type), as a CORS preflight needs; any other method gets the JSON 405
    with Allow. The views are CSRF-exempt so that those methods reach this 405 rather than the
    HTML CSRF page: the API changes nothing and reads no identity from cookies (no session, no
    user), so a forged request can do nothing a plain GET could not."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            del response["Content-Type"]
            response["Allow"] = ALLOW
            cors(response)
            return response
        if request.method not in ("GET", "HEAD"):
            response = error(405, "method_not_allowed", "The API is read-only: use GET.")
            response["Allow"] = ALLOW
            return response
        return view(request, *args, **kwargs)

    return wrapper


def endpoint(view):
    """A read-only API view: `view(request, *args)` returns (data, last_modified). The wrapper adds
    ETag and Last-Modified (with conditional GET, 304), CORS for any origin, and JSON errors."""

    @read_only
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            language, negotiated = choose_language(request)
            with override(language):
                data, last_modified = view(request, *args, **kwargs)
        except UnknownLanguage as problem:
            return error(400, "unknown_language", str(problem), languages=languages())
        except JsonError as problem:
            return error(problem.status, problem.code, problem.message, **problem.extra)
        response = JsonResponse({"language": language, **data}, json_dumps_params=JSON)
        response["Content-Language"] = language
        if negotiated:
            patch_vary_headers(response, ["Accept-Language"])
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        timestamp = last_modified.timestamp() if last_modified else None
        if timestamp:
            response["Last-Modified"] = http_date(timestamp)
        cors(response)
        return get_conditional_response(
            request, etag=etag, last_modified=int(timestamp or 0) or None, response=response
        )

    return wrapper


JSON = {"ensure_ascii": False}


def not_found(kind: str, key: str):
    return JsonError(404, "not_found", f"No published {kind} {key[:80]!r}.")


# Parts every object has: its language-neutral permalink, its page in every language, its
# address in the API, its texts' translation status per language, and `fallbacks`, the texts
# shown in another language.


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def links(request, obj, api_path: str, permalink: str | None = None) -> dict:
    pages = {}
    for code in languages():
        with override(code):
            pages[code] = _absolute(request, obj.get_absolute_url())
    if permalink is None:
        permalink = unprefixed(obj.get_absolute_url())
    return {
        "permalink": _absolute(request, permalink),
        "pages": pages,
        "api": _absolute(request, api_path),
    }


def translation(objects: list, statuses: dict) -> dict:
    """Per language: the object's status (its worst text's) and how many texts are in each."""
    result = {}
    for code in languages():
        counts = dict.fromkeys(SEVERITY, 0)
        for obj in objects:
            for (owner, _field, language), status in statuses.items():
                if owner is obj and language == code:
                    counts[status.state] += 1
        worst = next((state for state in SEVERITY if counts[state]), translation_status.REVIEWED)
        result[code] = {"status": worst, "texts": counts}
    return result


def shown(obj, *fields) -> tuple[dict, dict]:
    """The texts in the active language (with fallback), and the fields that fell back."""
    values, fallbacks = {}, {}
    for field in fields:
        value = text(obj, field)
        values[field] = value.value
        if value.fallback:
            fallbacks[field] = value.language
    return values, fallbacks


def latest(*items) -> datetime | None:
    """When the newest of these objects (or querysets) changed: the response's Last-Modified."""
    stamps = []
    for item in items:
        if hasattr(item, "aggregate"):
            stamps.append(item.aggregate(latest=Max("updated_at"))["latest"])
        else:
            stamps.append(getattr(item, "updated_at", getattr(item, "published_at", None)))
    stamps = [stamp for stamp in stamps if stamp]
    return max(stamps) if stamps else None


def _api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def role_ref(request, role) -> dict:
    return {"key": role.key, "title": text(role, "title").value, "api": _abs_api(request, role)}


def _abs_api(request, obj) -> str:
    key = obj.key if isinstance(obj, Role) else obj.slug
    return _absolute(request, _api(KIND_OF[type(obj)], key))


def _with_status(request, obj, data: dict, fallbacks: dict, statuses: dict, api: str, perma=None):
    return {
        **data,
        "fallbacks": fallbacks,
        "links": links(request, obj, api, perma),
        "translation": translation([obj], statuses),
    }


# Roles


def role_summary(request, role, statuses) -> dict:
    values, fallbacks = shown(role, "title", "summary")
    data = {"key": role.key, "level": role.level, **values}
    api, perma = _api("role", role.key), reverse("role-permalink", args=[role.key])
    return _with_status(request, role, data, fallbacks, statuses, api, perma)


@endpoint
def role_list(request):
    roles = list(Role.objects.published().order_by("level", "key"))
    statuses = translation_status.statuses(roles)
    results = [role_summary(request, role, statuses) for role in roles]
    return {"count": len(results), "results": results}, latest(Role.objects.published())


@endpoint
def role_detail(request, key):
    role = Role.objects.published().with_content().filter(key=key).first()
    if role is None:
        raise not_found("role", key)
    statuses = translation_status.statuses([role])
    values, fallbacks = shown(role, "title", "summary", "body", "career")
    leads_to = role.leads_to if role.leads_to and role.leads_to.published else None
    data = {
        "key": role.key,
        "level": role.level,
        **values,
        "isco08": role.isco08 or None,
        "esco_uri": role.esco_uri or None,
        "onet_soc": role.onet_soc or None,
        "duties": [
            {"key": duty.key, "text": text(duty, "text").value} for duty in role.duties.all()
        ],
        "qualities": [
            {
                "slug": link.quality.slug,
                "name": text(link.quality, "name").value,
                "note": text(link, "note").value,
                "api": _abs_api(request, link.quality),
            }
            for link in role.role_qualities.all()
        ],
        "scenarios": [
            {
                "slug": link.scenario.slug,
                "title": text(link.scenario, "title").value,
                "api": _abs_api(request, link.scenario),
            }
            for link in role.role_scenarios.all()
        ],
        "workplaces": [
            {
                "slug": workplace.slug,
                "name": text(workplace, "name").value,
                "api": _abs_api(request, workplace),
            }
            for workplace in role.workplaces.all()
        ],
        "leads_to": role_ref(request, leads_to) if leads_to else None,
        "leads_from": [role_ref(request, before) for before in role.leads_from.all()],
        "version": None,
    }
    version = RoleVersion.objects.defer("content").current_of(role.key)
    if version is not None:
        # The current published version: its links show this text for good (job postings).
        data["version"] = {
            "number": version.number,
            "published_at": version.published_at.isoformat(),
            "permalink": request.build_absolute_uri(
                reverse("role-version-permalink", args=[role.key, version.number])
            ),
            "page": request.build_absolute_uri(version.get_absolute_url()),
        }
    api, perma = _api("role", role.key), reverse("role-permalink", args=[role.key])
    changed = latest(
        role,
        version,
        *role.duties.all(),
        *(link.quality for link in role.role_qualities.all()),
        *(link.scenario for link in role.role_scenarios.all()),
        *role.workplaces.all(),
    )
    # Withdrawing the current version changes the answer ("version") and nothing else.
    withdrawn = RoleVersion.objects.of(role.key).aggregate(last=Max("withdrawn_at"))["last"]
    changed = max((stamp for stamp in (changed, withdrawn) if stamp), default=None)
    return _with_status(request, role, data, fallbacks, statuses, api, perma), changed


# Qualities, scenarios, workplaces


def _roles_of(request, roles) -> list[dict]:
    return [role_ref(request, role) for role in roles]


def quality_data(request, quality, statuses, *, full: bool) -> dict:
    values, fallbacks = shown(quality, "name", "description")
    data = {"slug": quality.slug, **values}
    if full:
        data["esco_skill_uri"] = quality.esco_skill_uri or None
        data["roles"] = [
            {**role_ref(request, link.role), "note": text(link, "note").value}
            for link in quality.role_qualities.all()
        ]
    api, perma = _api("quality", quality.slug), reverse("quality-permalink", args=[quality.slug])
    return _with_status(request, quality, data, fallbacks, statuses, api, perma)


def scenario_data(request, scenario, statuses, *, full: bool) -> dict:
    fields = ("title", "situation", "steps", "avoid") if full else ("title", "situation")
    values, fallbacks = shown(scenario, *fields)
    if full:
        values["steps"] = [line.strip() for line in values["steps"].splitlines() if line.strip()]
        values["roles"] = _roles_of(request, scenario.roles.all())
    data = {"slug": scenario.slug, **values}
    api = _api("scenario", scenario.slug)
    return _with_status(request, scenario, data, fallbacks, statuses, api)


def workplace_data(request, workplace, statuses, *, full: bool) -> dict:
    values, fallbacks = shown(workplace, "name", "description")
    data = {"slug": workplace.slug, **values}
    if full:
        data["roles"] = _roles_of(request, workplace.roles.all())
    api = _api("workplace", workplace.slug)
    return _with_status(request, workplace, data, fallbacks, statuses, api)


# How each collection found by slug is serialised (the models are roles.models.KINDS').
SERIALISERS = {"quality": quality_data, "scenario": scenario_data, "workplace": workplace_data}


def _listing(request, kind: str):
    model, serialise = KINDS[kind], SERIALISERS[kind]
    objects = list(model.objects.published().order_by("slug"))
    statuses = translation_status.statuses(objects)
    results = [serialise(request, obj, statuses, full=False) for obj in objects]
    return {"count": len(results), "results": results}, latest(model.objects.published())


def _detail(request, kind: str, slug: str):
    model, serialise = KINDS[kind], SERIALISERS[kind]
    obj = model.objects.published().with_content().filter(slug=slug).first()
    if obj is None:
        raise not_found(kind, slug)
    return serialise(request, obj, translation_status.statuses([obj]), full=True), latest(obj)


quality_list = endpoint(lambda request: _listing(request, "quality"))
quality_detail = endpoint(lambda request, slug: _detail(request, "quality", slug))
scenario_list = endpoint(lambda request: _listing(request, "scenario"))
scenario_detail = endpoint(lambda request, slug: _detail(request, "scenario", slug))
workplace_list = endpoint(lambda request: _listing(request, "workplace"))
workplace_detail = endpoint(lambda request, slug: _detail(request, "workplace", slug))


@endpoint
def index(request):
    collections = {
        name: _absolute(request, _api(f"{name}-list"))
        for name in ("role", "quality", "scenario", "workplace")
    }
    data = {
        "languages": languages(),
        "collections": {
            "roles": collections["role"],
            "qualities": collections["quality"],
            "scenarios": collections["scenario"],
            "workplaces": collections["workplace"],
        },
        "openapi": _absolute(request, _api("openapi")),
    }
    return data, None


@read_only
def openapi(request):
    response = JsonResponse(description(), json_dumps_params=JSON)
    cors(response)
    return response


@csrf_exempt
def unknown(request, rest=""):
    """Any other address under /api/, with any method: the JSON 404."""
    return error(404, "not_found", "No such address in the API; see the OpenAPI description.")
