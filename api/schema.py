"""OpenAPI: document what the API really returns, including the export formats and errors."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

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
EXPORT_SCHEMAS = {"text/csv": CSV_SCHEMA, "application/geo+json": GEOJSON_SCHEMA}


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
                description="json (default), or on lists csv / geojson: every matching record, streamed "
                "as a download. Browsers get the browsable HTML API.",
            ),
        ]

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, body in response.get("content", {}).items():
            if media_type in EXPORT_SCHEMAS:
                body["schema"] = EXPORT_SCHEMAS[media_type]
        return response

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "400": "A query parameter is invalid or unknown.",
            "429": "Too many requests; see Retry-After.",
        }
        errors["404"] = (
            "There is no such page (past the last one)."
            if self._is_list_view()
            else "No published record has this identifier."
        )
        for code, description in errors.items():
            response = self._get_response_for_code(ERROR_SCHEMA, code, ["application/json"], direction)
            responses[code] = {**response, "description": description}
        return responses


def allow_empty_query_values(result, generator, request, public):
    """Postprocessing hook: an empty query parameter (``?kind=``, as an HTML form sends it) means
    "not given", so the schema says every query parameter but the page ones may be empty."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in ("page", "page_size"):
                    parameter["allowEmptyValue"] = True
    return result
