"""The OpenAPI 3.1 description of the read-only API (served at /api/v1/openapi.json). The API's
tests validate every response against these schemas, so a response that drifts fails a test."""

from roles import occupation_codes
from roles.editorial.translation_status import STATES
from roles.languages import languages
from roles.models import RoleKey

# What Django's slug path converter accepts: anything else under the address is no such address.
SLUG = "^[-a-zA-Z0-9_]+$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _string(description: str = "", **extra) -> dict:
    return {"type": "string", **({"description": description} if description else {}), **extra}


def _object(properties: dict, *, optional: tuple = ()) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _list_of(name: str) -> dict:
    return _object(
        {
            "language": _ref("Language"),
            "count": {"type": "integer", "minimum": 0},
            "results": {"type": "array", "items": _ref(name)},
        }
    )


def _common(properties: dict) -> dict:
    """An object's own fields, plus what every object carries."""
    return {
        **properties,
        "fallbacks": {
            "type": "object",
            "description": "Fields shown in another language than the one asked for, with that "
            "language (the text was not yet translated).",
            "additionalProperties": _ref("Language"),
        },
        "links": _ref("Links"),
        "translation": _ref("Translation"),
    }


def _url() -> dict:
    return {"type": "string", "format": "uri"}


def _code(description: str, pattern: str) -> dict:
    """An occupation or skill code (roles/occupation_codes.py), or null where none is set."""
    return {"type": ["string", "null"], "description": description, "pattern": f"^{pattern}$"}


def schemas() -> dict:
    codes = languages()
    per_language = {code: None for code in codes}
    role_ref = _object({"key": _string(), "title": _string(), "api": _url()})
    return {
        "Language": {"type": "string", "enum": codes},
        "Links": _object(
            {
                "permalink": {
                    **_url(),
                    "description": "Language-neutral: opens in each reader's language.",
                },
                "pages": _object({code: _url() for code in per_language}),
                "api": _url(),
            }
        ),
        "Translation": {
            "description": "Per language: the status of the object's texts (its least advanced "
            "text's) and how many texts are in each state.",
            **_object(
                {
                    code: _object(
                        {
                            "status": {"type": "string", "enum": list(STATES)},
                            "texts": _object(
                                {state: {"type": "integer", "minimum": 0} for state in STATES}
                            ),
                        }
                    )
                    for code in codes
                }
            ),
        },
        "Error": _object(
            {
                "error": _string("A machine-readable code, e.g. unknown_language, not_found."),
                "message": _string("What went wrong, in English."),
                "languages": {"type": "array", "items": _ref("Language")},
            },
            optional=("languages",),
        ),
        "RoleRef": role_ref,
        "RoleSummary": _object(
            _common(
                {
                    "key": _string(enum=list(RoleKey.values)),
                    "level": {"type": "integer"},
                    "title": _string(),
                    "summary": _string(),
                }
            )
        ),
        "Role": _object(
            _common(
                {
                    "language": _ref("Language"),
                    "key": _string(enum=list(RoleKey.values)),
                    "level": {"type": "integer"},
                    "title": _string(),
                    "summary": _string(),
                    "body": _string(),
                    "career": _string(),
                    "isco08": _code("ISCO-08 unit group.", occupation_codes.ISCO08),
                    "esco_uri": _code("ESCO occupation URI.", occupation_codes.ESCO_OCCUPATION),
                    "onet_soc": _code(
                        "O*NET-SOC code, e.g. 43-4051.00.", occupation_codes.ONET_SOC
                    ),
                    "duties": {
                        "type": "array",
                        "items": _object({"key": _string(), "text": _string()}),
                    },
                    "qualities": {
                        "type": "array",
                        "items": _object(
                            {"slug": _string(), "name": _string(), "note": _string(), "api": _url()}
                        ),
                    },
                    "scenarios": {
                        "type": "array",
                        "items": _object({"slug": _string(), "title": _string(), "api": _url()}),
                    },
                    "workplaces": {
                        "type": "array",
                        "items": _object({"slug": _string(), "name": _string(), "api": _url()}),
                    },
                    "leads_to": {"oneOf": [role_ref, {"type": "null"}]},
                    "leads_from": {"type": "array", "items": role_ref},
                    "version": {
                        "description": "The current published version, whose links show this "
                        "text for good (null if the role has none).",
                        "oneOf": [
                            _object(
                                {
                                    "number": {"type": "integer", "minimum": 1},
                                    "published_at": _string(format="date-time"),
                                    "permalink": _url(),
                                    "page": _url(),
                                }
                            ),
                            {"type": "null"},
                        ],
                    },
                }
            )
        ),
        "QualitySummary": _object(
            _common({"slug": _string(), "name": _string(), "description": _string()})
        ),
        "Quality": _object(
            _common(
                {
                    "language": _ref("Language"),
                    "slug": _string(),
                    "name": _string(),
                    "description": _string(),
                    "esco_skill_uri": _code(
                        "The ESCO skill the quality corresponds to.", occupation_codes.ESCO_SKILL
                    ),
                    "roles": {
                        "type": "array",
                        "items": _object(
                            {"key": _string(), "title": _string(), "api": _url(), "note": _string()}
                        ),
                    },
                }
            )
        ),
        "ScenarioSummary": _object(
            _common({"slug": _string(), "title": _string(), "situation": _string()})
        ),
        "Scenario": _object(
            _common(
                {
                    "language": _ref("Language"),
                    "slug": _string(),
                    "title": _string(),
                    "situation": _string(),
                    "steps": {"type": "array", "items": _string()},
                    "avoid": _string(),
                    "roles": {"type": "array", "items": role_ref},
                }
            )
        ),
        "WorkplaceSummary": _object(
            _common({"slug": _string(), "name": _string(), "description": _string()})
        ),
        "Workplace": _object(
            _common(
                {
                    "language": _ref("Language"),
                    "slug": _string(),
                    "name": _string(),
                    "description": _string(),
                    "roles": {"type": "array", "items": role_ref},
                }
            )
        ),
        "RoleList": _list_of("RoleSummary"),
        "QualityList": _list_of("QualitySummary"),
        "ScenarioList": _list_of("ScenarioSummary"),
        "WorkplaceList": _list_of("WorkplaceSummary"),
        "Index": _object(
            {
                "language": _ref("Language"),
                "languages": {"type": "array", "items": _ref("Language")},
                "collections": _object(
                    {name: _url() for name in ("roles", "qualities", "scenarios", "workplaces")}
                ),
                "openapi": _url(),
            }
        ),
    }


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _response(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def responses() -> dict:
    """The answers every address shares: the JSON errors, and what OPTIONS and other methods get."""
    allow = {
        "description": "The methods the address allows: GET, HEAD, OPTIONS.",
        "schema": {"type": "string"},
    }
    return {
        "UnknownLanguage": _json("Error", "Unknown language (`unknown_language`), with the list."),
        "NotFound": _json(
            "Error",
            "No published object with that key, or no such address: any address under /api/ "
            "that is none of these answers this (`not_found`).",
        ),
        "MethodNotAllowed": {
            **_json(
                "Error",
                "The API is read-only: any method but GET, HEAD and OPTIONS, on any of these "
                "addresses, answers this (`method_not_allowed`).",
            ),
            "headers": {"Allow": {**allow, "required": True}},
        },
        "Options": {
            "description": "What the address allows, for CORS preflights: no content.",
            "headers": {
                "Allow": {**allow, "required": True},
                "Access-Control-Allow-Origin": {"schema": {"const": "*"}, "required": True},
                "Access-Control-Allow-Methods": {"schema": {"type": "string"}, "required": True},
            },
        },
    }


def _key(name: str, *, known: bool = True) -> dict:
    """A path parameter naming an object: a role's key (stable, so `known`), or a slug."""
    if name == "key" and known:
        schema = _string("The role's key; it never changes.", enum=list(RoleKey.values))
    else:
        schema = _string("The object's slug.", pattern=SLUG)
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _options(key: str | None) -> dict:
    """OPTIONS on an address: 204 with Allow (and CORS), whether or not the object exists."""
    operation = {
        "summary": "The methods allowed (CORS preflight)",
        "parameters": [_key(key, known=False)] if key else [],
        "responses": {"204": _response("Options")},
    }
    if key:
        # A value the address's pattern refuses is no such address.
        operation["responses"]["404"] = _response("NotFound")
    return operation


def _operation(summary: str, schema: str, *, key: str | None = None) -> dict:
    parameters = [{"$ref": "#/components/parameters/lang"}]
    if key:
        parameters.append(_key(key))
    responses = {
        "200": {
            **_json(schema, "The content, in the chosen language."),
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "Last-Modified": {"schema": {"type": "string"}},
                "Content-Language": {"schema": _ref("Language")},
            },
        },
        "304": {"description": "Not modified since the ETag or date given (conditional GET)."},
        "400": _response("UnknownLanguage"),
    }
    if key:
        responses["404"] = _response("NotFound")
    return {
        "get": {"summary": summary, "parameters": parameters, "responses": responses},
        "options": _options(key),
    }


def description() -> dict:
    codes = languages()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Customer service roles knowledge base",
            "version": "1.0.0",
            "description": "Read-only access to the published roles, qualities, scenarios and "
            "workplaces, in one language per request. Any origin may read it (CORS); responses "
            "carry ETag and Last-Modified for conditional GET. Every address answers GET, HEAD "
            "and OPTIONS; any other method gets a 405 (`MethodNotAllowed`, with Allow), and any "
            "other address under /api/ a 404 (`NotFound`), both JSON errors.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/": _operation("Collections and languages", "Index"),
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This description (OpenAPI 3.1)",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI description of the API.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                },
                "options": _options(None),
            },
            "/api/v1/roles/": _operation("All roles", "RoleList"),
            "/api/v1/roles/{key}/": _operation("One role", "Role", key="key"),
            "/api/v1/qualities/": _operation("All qualities", "QualityList"),
            "/api/v1/qualities/{slug}/": _operation("One quality", "Quality", key="slug"),
            "/api/v1/scenarios/": _operation("All scenarios", "ScenarioList"),
            "/api/v1/scenarios/{slug}/": _operation("One scenario", "Scenario", key="slug"),
            "/api/v1/workplaces/": _operation("All workplaces", "WorkplaceList"),
            "/api/v1/workplaces/{slug}/": _operation("One workplace", "Workplace", key="slug"),
        },
        "components": {
            "parameters": {
                "lang": {
                    "name": "lang",
                    "in": "query",
                    "required": False,
                    "description": "The language of the texts. Without it: the Accept-Language "
                    f"header, else {codes[0]}.",
                    "schema": _ref("Language"),
                }
            },
            "schemas": schemas(),
            "responses": responses(),
        },
    }
