"""The OpenAPI 3 description of /api/v1/, written by hand beside the views (api/views.py).

Checked by tests/test_api_schema.py: openapi-spec-validator on the document, and schemathesis
against the live API, so that a view and its description cannot drift apart unnoticed.
"""

from __future__ import annotations

import functools
from typing import Any

from actions.reporting import Status
from countries.filters import CONSTITUENT_CODES
from countries.models import Kind

from .http import DEFAULT_PAGE_SIZE, LANGUAGES, MAX_PAGE_SIZE

REF = "#/components/schemas/"
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = {"type": "string", "nullable": True}
UNTRANSLATED = {
    "type": "array",
    "items": STRING,
    "description": "Fields shown in English because their translation in the requested "
    "language is missing.",
}
STATUS = {"type": "string", "enum": [*Status.values], "nullable": True}
KIND = {"type": "string", "enum": Kind.values}
CONSTITUENT = {"type": "string", "enum": CONSTITUENT_CODES}
REGION_CODES = ["africa", "americas", "arab-states", "asia-pacific", "europe-central-asia"]


def ref(name: str) -> dict:
    return {"$ref": REF + name}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def obj(required: bool = True, **properties: Any) -> dict:
    found = {"type": "object", "properties": properties}
    if required:
        found["required"] = list(properties)
    return found


def page(item: str) -> dict:
    return obj(
        count=INTEGER,
        next={**NULLABLE_STRING, "format": "uri"},
        previous={**NULLABLE_STRING, "format": "uri"},
        results=array(ref(item)),
    )


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def path_parameter(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": description}  # fmt: skip


LANG = query("lang", {"type": "string", "enum": LANGUAGES},
             "Language of the content (else Accept-Language, else English).")  # fmt: skip
PAGING = [
    query("page", {"type": "integer", "minimum": 1}, "Page number, from 1."),
    query("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
          f"Results per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."),
]  # fmt: skip
FILTERS = {
    "region": query("region", {"type": "string", "enum": REGION_CODES}, "ILO region."),
    "kind": query("kind", KIND, "Kind of engagement."),
    "constituent": query("constituent", CONSTITUENT, "A constituent that took part."),
    "country": query(
        "country", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, "ISO 3166-1 alpha-2 code."
    ),  # fmt: skip
}
SLUG = path_parameter("slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, "Plan slug.")
CODE = path_parameter("code", {"type": "string", "pattern": "^GB\\.[0-9]+$"}, "Session code.")

ERRORS = {
    "400": "A query parameter is unknown or its value is not valid (named in invalid_params).",
    "401": "No token where reading needs one, or a token that is not valid.",
    "404": "No such resource, or no such page.",
    "405": "The API only reads.",
    "429": "Too many requests from this address without a token.",
}


def operation(summary: str, schema: str, parameters: list[dict], ok_headers: bool = True) -> dict:
    headers = {
        "ETag": {"schema": STRING},
        "Last-Modified": {"schema": STRING},
        "Cache-Control": {"schema": STRING},
    }
    responses: dict[str, Any] = {
        "200": {
            "description": "OK",
            "headers": headers if ok_headers else {},
            "content": {"application/json": {"schema": ref(schema)}},
        },
        "304": {"description": "Not modified since the ETag sent in If-None-Match."},
    }
    for status, description in ERRORS.items():
        responses[status] = {
            "description": description,
            "content": {"application/problem+json": {"schema": ref("Problem")}},
        }
    return {
        "get": {
            "summary": summary,
            "operationId": summary.lower().replace(" ", "-").replace("'", ""),
            "parameters": [LANG, *parameters],
            "responses": responses,
        }
    }


# A status as reported to a session: a row of its statuses, either side of a change.
STATUS_FIELDS = {
    "status": STATUS,
    "status_label": NULLABLE_STRING,
    "wording": NULLABLE_STRING,
    "untranslated": UNTRANSLATED,
}
SCHEMAS = {
    "Problem": obj(
        required=False,
        type={"type": "string"},
        title=STRING,
        status=INTEGER,
        detail=STRING,
        instance=STRING,
        invalid_params=array(obj(name=STRING, reason=STRING)),
    ),
    "Index": obj(
        version=STRING,
        schema=STRING,
        documentation=STRING,
        resources={"type": "object", "additionalProperties": STRING},
    ),  # fmt: skip
    "Component": obj(number=INTEGER, title=STRING, untranslated=UNTRANSLATED),
    "Plan": obj(
        slug=STRING,
        title=STRING,
        untranslated=UNTRANSLATED,
        endorsed_at=NULLABLE_STRING,
        components=array(ref("Component")),
        items=STRING,
    ),
    "PlanPage": page("Plan"),
    "Item": obj(
        plan=STRING,
        number=INTEGER,
        component=INTEGER,
        text=STRING,
        due_by={**STRING, "description": "The document's “Due by” wording, verbatim."},
        due_date={**STRING, "format": "date", "description": "The last day it allows."},
        status=STATUS,
        status_label=NULLABLE_STRING,
        status_wording=NULLABLE_STRING,
        status_session=NULLABLE_STRING,
        overdue={**BOOLEAN, "description": "Due date passed and not completed."},
        responsible_units=array(STRING),
        untranslated=UNTRANSLATED,
        url=STRING,
    ),
    "ItemPage": page("Item"),
    "Session": obj(
        code=STRING,
        held_in={**STRING, "pattern": "^[0-9]{4}-[0-9]{2}$"},
        period=STRING,
        state={"type": "string", "enum": ["published", "cancelled", "draft"]},
        published_at={**NULLABLE_STRING, "format": "date-time"},
        document_symbol=STRING,
        document_title=STRING,
        statuses=STRING,
        changes=STRING,
    ),
    "SessionPage": page("Session"),
    "Statuses": {
        "allOf": [
            page("ReportedStatus"),
            obj(session=STRING),
        ]
    },
    "ReportedStatus": obj(plan=STRING, number=INTEGER, component=INTEGER, **STATUS_FIELDS),
    "Side": obj(**STATUS_FIELDS),
    "Change": obj(
        number=INTEGER,
        component=INTEGER,
        before=ref("Side"),
        after=ref("Side"),
        changed=BOOLEAN,
        status_changed=BOOLEAN,
        wording_changed=BOOLEAN,
        completed=BOOLEAN,
        started=BOOLEAN,
        overdue=BOOLEAN,
        became_overdue=BOOLEAN,
        still_overdue=BOOLEAN,
    ),
    "Changes": obj(
        session=STRING,
        since=NULLABLE_STRING,
        summary=NULLABLE_STRING,
        items=array(ref("Change")),
        new_engagements=array(ref("Engagement")),
    ),
    "Region": obj(code=STRING, name=STRING, engaged_countries=INTEGER, engagements=INTEGER),
    "Regions": obj(results=array(ref("Region"))),
    "Country": obj(
        iso={**STRING, "pattern": "^[A-Z]{2}$"},
        name=STRING,
        region=STRING,
        engagement_count=INTEGER,
        kinds=array(KIND),
        constituents=array(CONSTITUENT),
        sources=array(obj(document=STRING, paragraphs=array(INTEGER))),
        engagements=STRING,
    ),
    "CountryPage": page("Country"),
    "Engagement": obj(
        id=INTEGER,
        country=STRING,
        kind=KIND,
        kind_label=STRING,
        constituents=array(CONSTITUENT),
        year={"type": "integer", "nullable": True},
        date={**NULLABLE_STRING, "format": "date"},
        source={**obj(document=STRING, session=STRING, paragraph=INTEGER), "nullable": True},
        description=STRING,
        untranslated=UNTRANSLATED,
    ),
    "EngagementPage": page("Engagement"),
    "KeyFigure": obj(
        code=STRING,
        value=STRING,
        label=STRING,
        quote=STRING,
        untranslated=UNTRANSLATED,
        source=obj(
            document=STRING, paragraph=INTEGER, footnote={"type": "integer", "nullable": True}
        ),
    ),
    "KeyFigures": obj(results=array(ref("KeyFigure"))),
}


@functools.cache
def openapi_schema() -> dict:
    number = path_parameter("number", {"type": "integer", "minimum": 1}, "Item number in the plan.")
    iso = path_parameter(
        "iso", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, "ISO 3166-1 alpha-2 code."
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Reform Tracker open data",
            "version": "1",
            "description": (
                "What the Reform Tracker's pages show about the ILO Office Plan of Action on UN "
                "development system reform (GB.340/INS/6), read-only. Content in English, French "
                "or Spanish (`?lang=` or Accept-Language); `untranslated` names the fields shown "
                "in English meanwhile. Answers carry an ETag: send it back in If-None-Match for "
                "a 304. Errors are application/problem+json. Drafts are shown only with an "
                "editor's token; where reading needs signing in, every request needs a token "
                "(made on the account page)."
            ),
            "license": {"name": "Data: public, as published by the ILO Governing Body"},
        },
        "servers": [{"url": "/"}],
        "security": [{}, {"token": []}],
        "paths": {
            "/api/v1/": operation("API index", "Index", []),
            "/api/v1/plans/": operation("Plans", "PlanPage", PAGING),
            "/api/v1/plans/{slug}/": operation("Plan", "Plan", [SLUG]),
            "/api/v1/plans/{slug}/items/": operation("Action items", "ItemPage", [SLUG, *PAGING]),
            "/api/v1/plans/{slug}/items/{number}/": operation(
                "Action item", "Item", [SLUG, number]
            ),
            "/api/v1/sessions/": operation("Sessions", "SessionPage", PAGING),
            "/api/v1/sessions/{code}/": operation("Session", "Session", [CODE]),
            "/api/v1/sessions/{code}/statuses/": operation(
                "Session statuses", "Statuses", [CODE, *PAGING]
            ),
            "/api/v1/sessions/{code}/changes/": operation(
                "Session changes",
                "Changes",
                [
                    CODE,
                    query(
                        "since",
                        {"type": "string", "pattern": "^GB\\.[0-9]+$"},
                        "An earlier session (default: the previous published one).",
                    ),
                ],
            ),  # fmt: skip
            "/api/v1/regions/": operation("Regions", "Regions", []),
            "/api/v1/countries/": operation(
                "Countries",
                "CountryPage",
                [FILTERS["region"], FILTERS["kind"], FILTERS["constituent"], *PAGING],
            ),
            "/api/v1/countries/{iso}/": operation("Country", "Country", [iso]),
            "/api/v1/engagements/": operation(
                "Engagements", "EngagementPage", [*FILTERS.values(), *PAGING]
            ),
            "/api/v1/key-figures/": operation("Key figures", "KeyFigures", []),
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "A personal token."}
            },
        },
    }
