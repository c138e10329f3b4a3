"""OpenAPI: document what the API really returns, including the export formats and errors."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from api import ocds
from registry.filtersets import SLUG_PATTERN

CSV_SCHEMA = {
    "type": "string",
    "description": "Every matching row (not one page): a header row, then one flat row per record; "
    'several values joined by "; "; cells starting with = + - @ tab or CR prefixed with a quote.',
}
POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
GEOJSON_SCHEMA = {
    "type": "object",
    "description": "RFC 7946 FeatureCollection of every matching record; coordinates [longitude, latitude]; "
    "properties are the CSV columns; geometry is null when no coordinates are known.",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": ["string", "null"]},
                    "geometry": {
                        "type": ["object", "null"],
                        "properties": {
                            "type": {"type": "string", "enum": ["Point", "MultiPoint"]},
                            "coordinates": {"oneOf": [POSITION, {"type": "array", "items": POSITION}]},
                        },
                    },
                    "properties": {"type": "object", "additionalProperties": True},
                },
            },
        },
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "description": '{"detail": "..."}, or for a bad query parameter {"<parameter>": ["<problem>"]}.',
    "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
}
GONE_SCHEMA = {
    "type": "object",
    "description": "The tombstone of a retracted record: what it was, when and why it was retracted.",
    "required": ["detail", "kind", "identifier", "name", "retracted_at", "reason"],
    "properties": {
        "detail": {"type": "string"},
        "kind": {"type": "string"},
        "identifier": {"type": "string"},
        "name": {"type": "string"},
        "retracted_at": {"type": ["string", "null"], "format": "date-time"},
        "reason": {"type": "string", "description": "The public reason for the retraction."},
    },
}
XLSX_SCHEMA = {
    "type": "string",
    "format": "binary",
    "description": "An Excel workbook (Office Open XML) of every matching row: the CSV's columns, typed cells.",
}
OCDS_DATE_TIME = {"type": "string", "format": "date-time"}
OCDS_REFERENCE = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
OCDS_VALUE = {
    "type": "object",
    "required": ["amount", "currency"],
    "properties": {"amount": {"type": "number"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
}
OCDS_ITEM = {
    "type": "object",
    "required": ["id"],
    "description": "A deployment the contract is for: id deployment-<slug>.",
    "properties": {"id": {"type": "string"}, "description": {"type": "string"}},
}
OCDS_DOCUMENT = {
    "type": "object",
    "required": ["id", "title"],
    "description": "A published source of the contract (id: its slug).",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "datePublished": {**OCDS_DATE_TIME, "description": "Only when the source gives the day."},
        "datePublishedAsGiven": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
        "language": {"type": "string"},
    },
}
OCDS_PACKAGE_SCHEMA = {
    "type": "object",
    "description": "An OCDS 1.1 release package (https://standard.open-contracting.org/1.1/): one release "
    "per published contract (every matching one on the list), with the additional fields described in "
    "the documentation (dateSignedAsGiven, datePublishedAsGiven, parties' details).",
    "required": ["uri", "version", "publishedDate", "publisher", "license", "releases"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "version": {"type": "string", "enum": [ocds.OCDS_VERSION]},
        "publishedDate": OCDS_DATE_TIME,
        "publisher": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "license": {"type": "string", "format": "uri"},
        "publicationPolicy": {"type": "string", "format": "uri"},
        "releases": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["ocid", "id", "date", "tag", "initiationType", "parties", "tender"],
                "properties": {
                    "ocid": {"type": "string", "description": "<OCDS_OCID_PREFIX>-<contract slug>"},
                    "id": {"type": "string"},
                    "date": OCDS_DATE_TIME,
                    "tag": {"type": "array", "items": {"type": "string", "enum": list(ocds.TAGS)}},
                    "initiationType": {"type": "string", "enum": ["tender"]},
                    "parties": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "roles", "details"],
                            "properties": {
                                "id": {"type": "string"},
                                "name": {"type": "string"},
                                "roles": {
                                    "type": "array",
                                    "items": {"type": "string", "enum": ocds.PARTY_ROLES},
                                },
                                "address": {
                                    "type": "object",
                                    "properties": {"countryName": {"type": "string"}},
                                },
                                "details": {
                                    "type": "object",
                                    "properties": {
                                        "url": {"type": "string", "format": "uri"},
                                        "registryRoles": {"type": "array", "items": {"type": "string"}},
                                        "contributions": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "required": ["amount", "currency"],
                                                "properties": {
                                                    "amount": {"type": "number"},
                                                    "currency": {"type": "string"},
                                                    "source": {"type": "string"},
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "buyer": OCDS_REFERENCE,
                    "tender": {
                        "type": "object",
                        "required": ["id"],
                        "properties": {
                            "id": {"type": "string"},
                            "procurementMethod": {
                                "type": "string",
                                "enum": sorted(set(ocds.PROCUREMENT_METHODS.values())),
                            },
                            "procurementMethodDetails": {"type": "string"},
                            "value": OCDS_VALUE,
                            "items": {"type": "array", "items": OCDS_ITEM},
                            "documents": {"type": "array", "items": OCDS_DOCUMENT},
                        },
                    },
                    "awards": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "suppliers"],
                            "properties": {
                                "id": {"type": "string"},
                                "title": {"type": "string"},
                                "suppliers": {"type": "array", "items": OCDS_REFERENCE},
                                "value": OCDS_VALUE,
                                "items": {"type": "array", "items": OCDS_ITEM},
                            },
                        },
                    },
                    "contracts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "awardID", "documents"],
                            "properties": {
                                "id": {"type": "string"},
                                "awardID": {"type": "string"},
                                "title": {"type": "string"},
                                "description": {"type": "string"},
                                "value": OCDS_VALUE,
                                "dateSigned": {
                                    **OCDS_DATE_TIME,
                                    "description": "Only when the day is known.",
                                },
                                "dateSignedAsGiven": {
                                    "type": "string",
                                    "description": "The signing date as its source gives it: YYYY, YYYY-MM or "
                                    "YYYY-MM-DD.",
                                },
                                "documents": {"type": "array", "items": OCDS_DOCUMENT},
                            },
                        },
                    },
                },
            },
        },
    },
}
EXPORT_SCHEMAS = {
    "application/vnd.ocds+json": OCDS_PACKAGE_SCHEMA,
    "text/csv": CSV_SCHEMA,
    "application/geo+json": GEOJSON_SCHEMA,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": XLSX_SCHEMA,
}
# Path identifiers: what the URL routes accept (anything else is a 404).
PATH_PATTERNS = {"slug": SLUG_PATTERN, "code": "^[A-Z]{2}$"}


class PublicAutoSchema(AutoSchema):
    def get_override_parameters(self):
        # The browsable HTML ("api") is for people in a browser (Accept: text/html), not part of the
        # machine contract: it is left out of the documented formats.
        formats = [renderer.format for renderer in self.view.get_renderers() if renderer.format != "api"]
        return [
            *super().get_override_parameters(),
            OpenApiParameter(
                "format",
                str,
                enum=formats,
                description="json (default), or on lists csv / xlsx (every matching record, as a "
                "download: csv streamed, xlsx a workbook) and geojson where offered; ocds on contracts "
                "(an OCDS 1.1 release package, streamed on the list). Browsers get the browsable HTML API.",
            ),
        ]

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, body in response.get("content", {}).items():
            if media_type in EXPORT_SCHEMAS:
                body["schema"] = EXPORT_SCHEMAS[media_type]
        return response

    def get_auth(self):
        # Public and anonymous: no security requirement (not even an optional, empty one, which makes
        # generated clients demand an authenticated client).
        return []

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "400": "A query parameter is invalid or unknown, or has a NUL character.",
            "404": (
                "There is no such page (past the last one), or a filter names no published record "
                "(vendor=no-such-vendor)."
                if self._is_list_view()
                else "No published record has this identifier."
            ),
            "406": "No format this endpoint offers matches the Accept header (use ?format= instead).",
            "414": "The URL is too long (over 4,000 characters; a server in front may answer in HTML).",
            "429": "Too many requests; see Retry-After.",
            "503": "The database is unavailable; see Retry-After.",
        }
        for code, description in errors.items():
            response = self._get_response_for_code(ERROR_SCHEMA, code, ["application/json"], direction)
            responses[code] = {**response, "description": description}
        responses["414"]["content"]["text/html"] = {"schema": {"type": "string"}}
        responses["304"] = {
            "description": "Not Modified: the copy named by If-None-Match or If-Modified-Since is current."
        }
        if not self._is_list_view() and getattr(self.view, "kind", ""):
            response = self._get_response_for_code(GONE_SCHEMA, "410", ["application/json"], direction)
            responses["410"] = {**response, "description": "The record was published, then retracted."}
        return dict(sorted(responses.items()))


def public_operations(result, generator, request, public):
    """Postprocessing hook: path identifiers carry the pattern their routes accept, and no operation
    has a security requirement."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.pop("security", None)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in PATH_PATTERNS:
                    parameter["schema"]["pattern"] = PATH_PATTERNS[parameter["name"]]
                elif parameter["in"] == "path" and parameter["name"] == "public_id":
                    parameter["schema"] = {"type": "string", "format": "uuid"}
                elif parameter["in"] == "query" and free_text(parameter["schema"]):
                    # A NUL byte is refused in any query parameter (api/middleware.py).
                    parameter["schema"]["pattern"] = NO_NUL
    return result


NO_NUL = "^[^\\x00]*$"


def free_text(schema: dict) -> bool:
    """A string parameter with no enum, format or pattern of its own."""
    return schema.get("type") == "string" and not ({"enum", "format", "pattern"} & schema.keys())


def allow_empty_query_values(result, generator, request, public):
    """Postprocessing hook: an empty query parameter (``?kind=``, as an HTML form sends it) means
    "not given", so the schema says every query parameter but the page ones may be empty."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in ("page", "page_size"):
                    parameter["allowEmptyValue"] = True
    return result
