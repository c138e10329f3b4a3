"""Page-number pagination with a hard maximum; a bad page or page size is a 400, not a guess.

Counts are exact up to ``COUNT_LIMIT`` matching rows. Counting more means reading every one of
them (768,000 camera counts: 50-130 ms, more than the page itself), so beyond the limit ``count``
is the limit and ``count_exact`` is false, as search engines report totals; ``next`` comes from
looking one row past the page, and every page stays reachable. ``?format=csv`` exports every row.
"""

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_LIMIT = 10_000


def _positive_int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError({name: [f"{raw!r} is not a positive integer."]})
    return int(raw)


class OpenEndedPage(Page):
    """A page of a result whose size is not known exactly: it has a next page if a row follows it."""

    def __init__(self, object_list, number, paginator, has_more: bool):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self):
        return self.has_more


class CappedCountPaginator(Paginator):
    """Django's paginator, counting at most ``COUNT_LIMIT + 1`` rows."""

    @cached_property
    def count(self) -> int:
        # Unordered: which rows are counted does not matter, and sorting them would cost more.
        counted = self.object_list.order_by()[: COUNT_LIMIT + 1].count()
        self.count_exact = counted <= COUNT_LIMIT
        return min(counted, COUNT_LIMIT)

    def count_exactly(self) -> None:
        """Count every row (``page=last`` needs the last page's number)."""
        self.__dict__["count"] = self.object_list.count()
        self.count_exact = True
        self.__dict__.pop("num_pages", None)

    def validate_number(self, number):
        self.count  # noqa: B018 (counting tells whether the last page is known)
        if self.count_exact:
            return super().validate_number(number)
        number = int(number)  # PublicPagination has checked that it is a positive integer
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        number = self.validate_number(number)
        if self.count_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage("That page contains no results")
        return OpenEndedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)


class PublicPagination(PageNumberPagination):
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"
    django_paginator_class = CappedCountPaginator

    def get_page_size(self, request):
        size = _positive_int(request, self.page_size_query_param)
        if size is None:
            return self.page_size
        if size > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"At most {self.max_page_size} per page; use ?format=csv for every row at once."
                    ]
                }
            )
        return size

    def validate_parameters(self, request) -> None:
        """The page parameters of a request that gets every row instead of a page (an export):
        checked all the same, so that a malformed one is a 400 whatever the format."""
        self.get_page_size(request)
        if request.query_params.get(self.page_query_param) not in self.last_page_strings:
            _positive_int(request, self.page_query_param)

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            paginator.count_exactly()
            return paginator.num_pages
        return number

    def paginate_queryset(self, queryset, request, view=None):
        if request.query_params.get(self.page_query_param) not in self.last_page_strings:
            _positive_int(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        # OpenAPI 3.1 (JSON Schema) spells "nullable" as a type.
        paginated = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            field = paginated["properties"][link]
            field.pop("nullable", None)
            field["type"] = ["string", "null"]
        paginated["properties"]["count"]["description"] = (
            f"Rows matching, exact up to {COUNT_LIMIT:,}; beyond that {COUNT_LIMIT:,} and count_exact is false."
        )
        properties = list(paginated["properties"].items())
        properties.insert(1, ("count_exact", {"type": "boolean", "example": True}))
        paginated["properties"] = dict(properties)
        paginated["required"] = [*paginated["required"], "count_exact"]
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(maximum=self.max_page_size, default=self.page_size)
        return parameters
