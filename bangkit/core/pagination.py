"""The API's default pagination. Its own module: DRF imports it while defining its generic views, so it may import
nothing that imports those (as `bangkit.core.api` does)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.request import Request

# The largest offset a page may start at: offset plus limit must stay a 64-bit integer for every database.
MAX_OFFSET = 2**63 - 1 - 1_000_000
MAX_PAGE_LIMIT = 200


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """The default pages: `limit` rows (PAGE_SIZE unless asked, at most MAX_PAGE_LIMIT) from `offset` on.

    Read leniently, like the rest of DRF's query parameters: a larger `limit` (however many digits) is cut to
    MAX_PAGE_LIMIT, one that is not a positive integer means the default, and an offset past the last row gives an
    empty page. No number a client sends reaches the database beyond what a 64-bit integer holds.
    """

    max_limit = MAX_PAGE_LIMIT

    def get_limit(self, request: Request) -> int | None:
        if _is_huge(request.query_params.get(self.limit_query_param)):
            return self.max_limit
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        if _is_huge(request.query_params.get(self.offset_query_param)):
            return MAX_OFFSET
        return min(super().get_offset(request), MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = _(
                    "Jumlah hasil per halaman, paling banyak %(max)d; angka yang lebih besar dibatasi ke %(max)d."
                ) % {"max": self.max_limit}
        return parameters


def _is_huge(value: str | None) -> bool:
    """Whether `value` is a whole number too long for Python to read (over 4300 digits) or a database to hold, which
    means "as many as there are", not the default."""
    return value is not None and value.isascii() and value.isdigit() and len(value.lstrip("0")) > 18
