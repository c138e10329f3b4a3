from api.serializers.citations import AnyCitationExportSerializer, AnyCitationSerializer
from api.views.base import LIST_PARAMETERS, PublicListViewSet
from deployments.filtersets import CitationFilterSet
from deployments.selectors import public_citations


class CitationViewSet(PublicListViewSet):
    """Facts with sources: every published citation of a published deployment, contract, vendor or
    legal framework, one a row, with its source's title, publisher, date and addresses (original and
    archived). ``?format=csv`` or ``xlsx`` for a spreadsheet of them."""

    queryset = public_citations()
    serializer_class = AnyCitationSerializer
    export_serializer_class = AnyCitationExportSerializer
    filterset_class = CitationFilterSet
    ordering_fields = ("record_kind", "record_slug", "confidence")
    list_parameters = LIST_PARAMETERS - {"search"}  # filter by record, source, field instead
