"""The licence of the registry's own data (CC BY 4.0), as the API states it: a ``Link: <...>;
rel="license"`` header (RFC 8288 and the "license" relation of RFC 4946) on every response of
/api/v1/, pages and CSV or GeoJSON exports alike, and a ``licence`` entry in the API root. Facts
quoted from a source remain under that source's own terms."""

from rest_framework.routers import APIRootView

DATA_LICENCE_NAME = "CC BY 4.0"
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LINK_HEADER = f'<{DATA_LICENCE_URL}>; rel="license"'


def add_licence_link(response) -> None:
    """Add the licence to the response's Link header, beside any links it already has."""
    existing = response.get("Link")
    response["Link"] = f"{existing}, {LINK_HEADER}" if existing else LINK_HEADER


class LicensedAPIRootView(APIRootView):
    """DRF's API root (every endpoint's URL) with the data licence's URL under ``licence``."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["licence"] = DATA_LICENCE_URL
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_licence_link(response)
        return response
