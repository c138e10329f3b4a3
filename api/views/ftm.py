"""``/api/v1/export/ftm``: the whole registry as FollowTheMoney entities (api/ftm.py), streamed.

A download like the lists' CSV exports (api/views/base.py): anonymous and throttled as an export,
publicly cacheable with Last-Modified and a weak ETag (a 304 for a current copy, the headers alone
for a HEAD), JSON errors, and a 400 for any query parameter (it takes none but ``format=ftm``).
"""

from drf_spectacular.utils import extend_schema

from api.renderers import FtMRenderer, JSONRenderer
from api.views.base import PublicListViewSet

FTM_SCHEMA = {
    "type": "string",
    "description": "Every published record as FollowTheMoney entities, one JSON object per line "
    '({"id", "schema", "properties"}): Document (sources), PublicBody, Company (vendors), '
    "Ownership, Sanction, Project (deployments), ProjectParticipant, Contract and ContractAward.",
}


class FtMExportViewSet(PublicListViewSet):
    renderer_classes = (FtMRenderer,)
    pagination_class = None
    filter_backends = ()
    list_parameters = frozenset()

    def perform_content_negotiation(self, request, force=False):
        # An error before a format was chosen (an unknown ?format=) is JSON, like every error here.
        if force:
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        operation_id="export_ftm",
        summary="The registry as FollowTheMoney entities",
        responses={(200, FtMRenderer.media_type): FTM_SCHEMA},
    )
    def list(self, request, *args, **kwargs):
        return self.conditional_export(
            "registry-ftm", lambda renderer, filename: renderer.entities_response(filename)
        )
