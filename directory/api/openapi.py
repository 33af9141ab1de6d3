"""The OpenAPI 3.1 document of /api/v1, written once here: served at /api/v1/openapi.json, rendered as the human
documentation page, and checked against every route and answer by tests/test_api_contract.py."""

from __future__ import annotations

from typing import Any

from directory.search.settings import FACETS

HSDS_SCHEMA = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/{}.json"
EXPORT_FORMATS = {
    "csv": ("text/csv", "One row per fiche and place, FR and NL columns; formulas neutralised."),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The same rows as a workbook."),
    "geojson": ("application/geo+json", "A FeatureCollection: one point per place of each fiche."),
    "hsds.json": ("application/json", "A JSON array of compiled HSDS 3.0 services."),
    "hsds.zip": ("application/zip", "The HSDS 3.0 tabular form: one CSV per table, zipped."),
}


def _obj(required: list[str], **props: Any) -> dict:
    return {"type": "object", "required": required, "properties": props}


S, N, INT, B = {"type": "string"}, {"type": ["number", "null"]}, {"type": "integer"}, {"type": "boolean"}
OPT_S, OPT_I = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
REF = {
    name: {"$ref": f"#/components/schemas/{name}"}
    for name in (
        "Error",
        "Term",
        "AreaRef",
        "Location",
        "Organization",
        "Service",
        "Area",
        "Hit",
        "Facet",
        "HsdsService",
        "HsdsOrganization",
        "HsdsPage",
        "HsdsServiceAtLocation",
        "HsdsTaxonomy",
        "HsdsTaxonomyTerm",
    )
}


def _hsds(required: list[str], what: str, schema: str) -> dict:
    """An HSDS object: its required properties; the official schema it follows is named in its description."""
    return {"type": "object", "required": required, "description": f"{what}: {HSDS_SCHEMA.format(schema)}"}


def _page(item: dict) -> dict:
    return _obj(
        ["total", "page", "pages", "per_page", "items"],
        total=INT,
        page=INT,
        pages=INT,
        per_page=INT,
        items={"type": "array", "items": item},
    )


def _bilingual(*names: str) -> dict:
    return {f"{name}_{lang}": S for name in names for lang in ("fr", "nl")}


SCHEMAS: dict[str, dict] = {
    "Error": _obj(["error"], error=_obj(["status", "message"], status=INT, field=OPT_S, message=S)),
    "Term": _obj(["code", "name_fr", "name_nl"], code=S, name_fr=S, name_nl=S),
    "AreaRef": {
        "type": ["object", "null"],
        "required": ["code", "name_fr", "name_nl"],
        "properties": {"code": S, "name_fr": S, "name_nl": S},
    },
    "Location": _obj(
        ["id", "postcode", "lat", "lon", "wheelchair", "commune", "quartier", "bassin"],
        id=INT,
        **_bilingual("street", "accessibility_note"),
        house_number=S,
        postcode=S,
        lat=N,
        lon=N,
        wheelchair={"enum": ["yes", "limited", "no", "unknown"]},
        commune=REF["AreaRef"],
        quartier=REF["AreaRef"],
        bassin=REF["AreaRef"],
        area_to_review=B,
        services={"type": "array", "items": INT},
    ),
    "Organization": _obj(
        ["id", "name_fr", "name_nl"],
        id=INT,
        **_bilingual("name", "description"),
        bce_number=OPT_S,
        website=S,
        email=S,
        source=S,
        updated_at=S,
        services={"type": "array", "items": _obj(["id"], id=INT, name_fr=S, name_nl=S)},
    ),
    "Service": _obj(
        ["id", "url_fr", "url_nl", "name_fr", "name_nl", "status", "organization", "sectors", "locations"],
        id=INT,
        url_fr=S,
        url_nl=S,
        **_bilingual("name", "description", "hours_note", "cost_details", "access_details", "documents"),
        status={"enum": ["active", "temporarily_closed"]},
        closed_from=OPT_S,
        closed_until=OPT_S,
        email=S,
        website=S,
        opening_hours={**OPT_S, "description": "OpenStreetMap opening_hours syntax; null = unknown"},
        cost=S,
        access=S,
        availability=S,
        availability_delay_days=OPT_I,
        availability_updated_at=OPT_S,
        languages={"type": "array", "items": S},
        organization=REF["Organization"],
        sectors={"type": "array", "items": REF["Term"]},
        publics={"type": "array", "items": REF["Term"]},
        phones={"type": "array", "items": _obj(["number"], number=S, kind=S)},
        locations={"type": "array", "items": REF["Location"]},
        verified_at=OPT_S,
        source=S,
        source_licence=S,
        updated_at=S,
    ),
    "Area": _obj(
        ["code", "name_fr", "name_nl"],
        code=S,
        name_fr=S,
        name_nl=S,
        bassin_code=OPT_S,
        commune_nis=OPT_S,
        confidence=S,
        source=S,
        geometry={"type": ["object", "null"], "description": "GeoJSON geometry (WGS 84)"},
    ),
    "Hit": {"type": "object", "required": ["service_id"], "properties": {"service_id": INT}},
    "Facet": _obj(["value", "label", "count", "selected"], value=S, label=S, count=INT, selected=B),
    "HsdsService": _hsds(["id", "name", "status"], "A compiled HSDS 3.0 service", "compiled/service"),
    "HsdsOrganization": _hsds(
        ["id", "name", "description"], "A compiled HSDS 3.0 organization", "compiled/organization"
    ),
    "HsdsServiceAtLocation": _hsds(
        ["id", "service_id", "location_id"],
        "A compiled HSDS 3.0 service_at_location with its service and location",
        "compiled/service_at_location",
    ),
    "HsdsTaxonomy": _hsds(["id", "name", "description"], "An HSDS 3.0 taxonomy", "taxonomy"),
    "HsdsTaxonomyTerm": _hsds(["id", "name", "description"], "An HSDS 3.0 taxonomy term", "taxonomy_term"),
    "HsdsPage": _obj(
        ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
        total_items=INT,
        total_pages=INT,
        page_number=INT,
        size=INT,
        first_page=B,
        last_page=B,
        empty=B,
        contents={"type": "array", "items": {"type": "object"}},
    ),
}


def _param(name: str, description: str, schema: dict | None = None, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": where == "path", "description": description, "schema": schema or S}


PAGE_PARAMS = [
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    _param("per_page", "Items per page (1–100).", {"type": "integer", "minimum": 1, "maximum": 100}),
]
SEARCH_PARAMS = [
    _param("q", "Search text (at most 200 characters)."),
    _param("lang", "fr or nl: language of labels and of the text search.", {"enum": ["fr", "nl"]}),
    _param("near", "latitude,longitude: sort by distance."),
    _param("radius", "Metres around `near` (1–50000).", {"type": "integer"}),
    *[_param(name, f"Filter on {name} codes (comma-separated or repeated: OR).") for name in FACETS],
]


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


BOOL = {"type": "boolean"}
HSDS_FORMAT = _param(
    "format", "json (pages, the default) or ndjson (every match, one per line, no pages).", {"enum": ["json", "ndjson"]}
)
HSDS_SEARCH = _param("search", "Full text search: every word in a name or description (French or Dutch).")
HSDS_PLACE_PARAMS = [
    _param(
        "postcode",
        "Belgian postcode (4 digits): places with this postcode; with `proximity`, the centre the distance is measured "
        "from.",
    ),
    _param(
        "proximity",
        "Metres (whole number, 1–50000) from the centre of `postcode`: places within that distance.",
        {"type": "string", "pattern": "^[0-9]+$"},
    ),
]
HSDS_SERVICE_PARAMS = [
    HSDS_SEARCH,
    _param("taxonomy_term_id", "Services with this taxonomy term (its UUID, or our code such as `pharmacy`)."),
    _param("taxonomy_id", "Services with any term of this taxonomy (its UUID, or `qfq-sectors` / `qfq-publics`)."),
    _param("organization_id", "Services of this organization (its UUID)."),
    _param(
        "modified_after",
        "Services changed on or after this date-time (ISO 8601; UTC if no offset).",
        {"type": "string", "format": "date-time"},
    ),
    _param("minimal", "true: only each service's `id` and `modified_date` (up to 10,000 per page).", BOOL),
    _param("full", "false: services without their nested objects (default true: fully nested).", BOOL),
    HSDS_FORMAT,
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    _param("per_page", "Items per page (1–100; up to 10,000 with minimal).", {"type": "integer", "minimum": 1}),
    *HSDS_PLACE_PARAMS,
]
FULL_SERVICE = _param("full_service", "false: the organization's services without their nested objects.", BOOL)
HSDS_LINK_PARAMS = [
    *(p for p in HSDS_SERVICE_PARAMS if p["name"] not in {"minimal", "full", "per_page"}),
    _param("full", "false: each service and location without their nested objects (default true).", BOOL),
    PAGE_PARAMS[1],
]
HSDS_VOCABULARY_PARAMS = [
    _param("search", "Every word in the code, name or description."),
    HSDS_FORMAT,
    *PAGE_PARAMS,
]
HSDS_TERM_PARAMS = [
    *HSDS_VOCABULARY_PARAMS,
    _param("taxonomy_id", "Terms of this taxonomy (its UUID, or `qfq-sectors` / `qfq-publics`)."),
    _param("top_only", "true: top-level terms only (our vocabularies are flat: every term).", BOOL),
    _param("parent_id", "Terms whose parent is this term (our vocabularies are flat: none)."),
]
HSDS_ORGANIZATION_PARAMS = [
    HSDS_SEARCH,
    _param("full", "false: organizations without their services (default true).", BOOL),
    FULL_SERVICE,
    HSDS_FORMAT,
    *PAGE_PARAMS,
]


def _hsds_list() -> dict:
    ok = _json(REF["HsdsPage"])
    ok["content"]["application/x-ndjson"] = {"schema": {"description": "One compiled HSDS object per line."}}
    return ok


ERRORS = {
    "304": {"description": "Not modified (the client's ETag or date is current)."},
    "400": _json(REF["Error"], "Invalid parameter; `message` is translated (Accept-Language, `lang`)."),
    "404": _json(REF["Error"], "Not found."),
    "429": _json(REF["Error"], "Too many requests from this client; see Retry-After."),
    "503": _json(REF["Error"], "Search or database temporarily unavailable; see Retry-After."),
}


def _get(
    summary: str,
    ok: dict,
    params: list | None = None,
    tag: str = "directory",
    errors=("400", "404", "429"),
) -> dict:
    responses = {"200": ok, **{code: ERRORS[code] for code in ("304", *errors)}}
    return {"get": {"summary": summary, "tags": [tag], "parameters": params or [], "responses": responses}}


ID = _param("id", "Numeric id.", {"type": "integer"}, "path")
UUID = _param("id", "The HSDS UUID.", {"type": "string", "format": "uuid"}, "path")
LEVEL = _param("level", "communes, quartiers or bassins.", {"enum": ["communes", "quartiers", "bassins"]}, "path")
SEARCH_OK = _json(
    _obj(
        ["total", "page", "pages", "hits", "facets"],
        total=INT,
        page=INT,
        pages=INT,
        partial=B,
        degraded=B,
        hits={"type": "array", "items": REF["Hit"]},
        facets={"type": "object", "additionalProperties": {"type": "array", "items": REF["Facet"]}},
    )
)


def document() -> dict:
    """The whole OpenAPI 3.1 document (server-relative paths)."""
    area_filters = [_param(n, f"Only places in this {n}.") for n in ("commune", "quartier", "bassin")]
    paths = {
        "/api/v1/services": _get(
            "Search services (the results page's parameters).",
            SEARCH_OK,
            SEARCH_PARAMS + PAGE_PARAMS,
            errors=("400", "429", "503"),
        ),
        "/api/v1/services/{id}": _get("One service with everything its fiche shows.", _json(REF["Service"]), [ID]),
        "/api/v1/organizations": _get(
            "Organisations with a published service.", _json(_page(REF["Organization"])), PAGE_PARAMS
        ),
        "/api/v1/organizations/{id}": _get("One organisation and its services.", _json(REF["Organization"]), [ID]),
        "/api/v1/locations": _get(
            "Places of published services.", _json(_page(REF["Location"])), PAGE_PARAMS + area_filters
        ),
        "/api/v1/locations/{id}": _get("One place and the ids of its services.", _json(REF["Location"]), [ID]),
        "/api/v1/sectors": _get(
            "Sectors (service types).",
            _json(_obj(["items"], items={"type": "array", "items": REF["Term"]})),
            tag="vocabularies",
        ),
        "/api/v1/publics": _get(
            "Publics (target groups).",
            _json(_obj(["items"], items={"type": "array", "items": REF["Term"]})),
            tag="vocabularies",
        ),
        "/api/v1/areas/{level}": _get(
            "Communes, quartiers or bassins.",
            _json(_obj(["items"], items={"type": "array", "items": REF["Area"]})),
            [LEVEL, _param("geometry", "1: add each boundary.", {"enum": ["0", "1", "true", "false"]})],
            tag="vocabularies",
        ),
        "/api/v1/areas/{level}/{code}": _get(
            "One area with its boundary.",
            _json(REF["Area"]),
            [LEVEL, _param("code", "NIS code, quartier or bassin code.", where="path")],
            tag="vocabularies",
        ),
        "/api/v1/hsds/": _get(
            "About this HSDS API.",
            _json(_obj(["version"], version=S, profile=S, openapi_url=S)),
            tag="hsds",
            errors=("429",),
        ),
        "/api/v1/hsds/services": _get(
            "HSDS services (compiled), with the specification's list filters.",
            _hsds_list(),
            HSDS_SERVICE_PARAMS,
            "hsds",
        ),
        "/api/v1/hsds/services/{id}": _get("One HSDS service.", _json(REF["HsdsService"]), [UUID], "hsds"),
        "/api/v1/hsds/organizations": _get(
            "HSDS organizations with their services.", _hsds_list(), HSDS_ORGANIZATION_PARAMS, "hsds"
        ),
        "/api/v1/hsds/organizations/{id}": _get(
            "One HSDS organization.", _json(REF["HsdsOrganization"]), [UUID, FULL_SERVICE], "hsds"
        ),
        "/api/v1/hsds/service_at_locations": _get(
            "Each HSDS service at each of its locations, with the services' filters and `postcode` / `proximity`.",
            _hsds_list(),
            HSDS_LINK_PARAMS,
            "hsds",
        ),
        "/api/v1/hsds/service_at_locations/{id}": _get(
            "One HSDS service at one location, fully nested.", _json(REF["HsdsServiceAtLocation"]), [UUID], "hsds"
        ),
        "/api/v1/hsds/taxonomies": _get(
            "Our vocabularies (sectors, publics) as HSDS taxonomies.", _hsds_list(), HSDS_VOCABULARY_PARAMS, "hsds"
        ),
        "/api/v1/hsds/taxonomies/{id}": _get(
            "One HSDS taxonomy.",
            _json(REF["HsdsTaxonomy"]),
            [_param("id", "The taxonomy's UUID or name.", where="path")],
            "hsds",
        ),
        "/api/v1/hsds/taxonomy_terms": _get(
            "Every sector and public as an HSDS taxonomy term.", _hsds_list(), HSDS_TERM_PARAMS, "hsds"
        ),
        "/api/v1/hsds/taxonomy_terms/{id}": _get(
            "One HSDS taxonomy term.", _json(REF["HsdsTaxonomyTerm"]), [UUID], "hsds"
        ),
        "/api/v1/export/services.{format}": _get(
            "Every service the search finds, as a file (streamed).",
            {
                "description": "The file, in the results page's order; Content-Disposition: attachment.",
                "content": {mime: {"schema": {"description": what}} for mime, what in EXPORT_FORMATS.values()},
            },
            [
                _param("format", "csv, xlsx, geojson, hsds.json or hsds.zip.", {"enum": list(EXPORT_FORMATS)}, "path"),
                *SEARCH_PARAMS,
            ],
            tag="exports",
            errors=("400", "429", "503"),
        ),
        "/api/v1/widget": _get(
            "The embeddable search box's texts in one language, and where its links lead (static/js/widget.js).",
            _json(
                _obj(
                    ["lang", "labels", "search_url"],
                    lang=S,
                    labels={"type": "object", "additionalProperties": S},
                    search_url=S,
                )
            ),
            [_param("lang", "fr or nl (default: Accept-Language).", {"enum": ["fr", "nl"]})],
            tag="widget",
            errors=("400", "429"),
        ),
        "/api/v1/openapi.json": _get("This document.", _json({"type": "object"}), tag="meta", errors=("429",)),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Qui fait quoi / Wie doet wat — API",
            "version": "1.0.0",
            "description": "Read-only open data of the social and health services of the Brussels-Capital Region, "
            "in French and Dutch. Anonymous; CORS open; rate-limited per client address. Texts come in both "
            "languages (`*_fr`, `*_nl`); each service names its source and licence.",
            "license": {"name": "Per service: see `source_licence`"},
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
