from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bangkit.regions.codes import is_region_code, parse_region_codes
from bangkit.regions.forms import RegionPickerWidget, RegionPickForm
from bangkit.regions.loading import ATTRIBUTION
from bangkit.regions.models import RegionLevel
from bangkit.regions.selectors import region_children, region_path, region_search, search_query_error

_HTML_NAME = re.compile(r"^[\w-]{1,100}$")
_PICKER_RESULTS = 10
_LEVELS = {str(level) for level in RegionLevel}


@dataclass(frozen=True)
class _PickerConfig:
    """The picker a request re-renders, as the widget put it in its htmx URLs."""

    name: str
    id: str
    min_level: int
    max_level: int
    within: list[str] | None
    required: bool

    @classmethod
    def from_query(cls, query: QueryDict) -> _PickerConfig | None:
        name, id_ = query.get("name", ""), query.get("id", "")
        min_level, max_level = query.get("min_level", "1"), query.get("max_level", "4")
        valid_levels = {min_level, max_level} <= _LEVELS and min_level <= max_level
        if not (_HTML_NAME.match(name) and _HTML_NAME.match(id_) and valid_levels):
            return None
        within = query.get("within")
        try:
            # Malformed codes, or more than the search can take, are no configuration a widget made.
            codes = None if within is None else parse_region_codes(within)
        except ValidationError:
            return None
        return cls(
            name=name,
            id=id_,
            min_level=int(min_level),
            max_level=int(max_level),
            within=codes,
            required="required" in query,
        )

    def widget(self) -> RegionPickerWidget:
        widget = RegionPickerWidget(min_level=self.min_level, max_level=self.max_level, within=self.within)
        widget.is_required = self.required
        return widget


@login_required
@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    """The picker again, with the next level's select under the new choice (or under a tapped search match)."""
    config = _PickerConfig.from_query(request.GET)
    if config is None:
        return HttpResponseBadRequest()
    widget = config.widget()
    value = request.GET.get("pick") or widget.value_from_datadict(request.GET, MultiValueDict(), config.name)
    if value and not is_region_code(value):
        value = None  # a tampered choice: the picker starts again from the province
    return HttpResponse(widget.render(config.name, value, attrs={"id": config.id}, renderer=None))


@login_required
@require_GET
def picker_search(request: HttpRequest) -> HttpResponse:
    """Matches for the picker's type-ahead box, each a button that chooses it."""
    config = _PickerConfig.from_query(request.GET)
    if config is None:
        return HttpResponseBadRequest()
    query = request.GET.get(f"{config.name}_q", "").strip()
    error = search_query_error(query) if query else None
    matches = (
        region_search(
            query,
            level=range(config.min_level, config.max_level + 1),
            within=config.within,
            limit=_PICKER_RESULTS,
        )
        if query and not error
        else []
    )
    widget = config.widget()
    context = {
        "query": query,
        "error": error,
        "matches": matches,
        "pick_url": f"{reverse('regions:picker')}?{widget.config_query(config.name, config.id, config.required)}",
    }
    return render(request, "regions/picker_results.html", context)


@login_required
@require_GET
def browse(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The hierarchy one level at a time, with search by name or code and the picker to jump anywhere."""
    path = region_path(code) if code else None
    if code and path is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    pick_form = RegionPickForm(request.GET if "region" in request.GET else None, initial={"region": code})
    if pick_form.is_valid() and pick_form.cleaned_data["region"]:
        return redirect("regions:detail", code=pick_form.cleaned_data["region"].code)
    query = request.GET.get("q", "").strip()
    error = search_query_error(query) if query else None
    matches = region_search(query) if query and not error else []
    context: dict[str, Any] = {"query": query, "error": error, "matches": matches}
    if request.htmx and request.htmx.target == "region-results":  # type: ignore[attr-defined]
        return render(request, "regions/browse_results.html", context)
    context.update(
        path=path,
        children=list(region_children(code)),
        child_level=None
        if path and path.level == RegionLevel.VILLAGE
        else RegionLevel(path.level + 1 if path else 1).label,
        pick_form=pick_form,
        attribution=ATTRIBUTION,
    )
    return render(request, "regions/browse.html", context)
