"""The region picker every form that needs a place uses: cascading selects plus a type-ahead box.

Without JavaScript the province select works, and each submit of the form shows the next level's select under the
chosen region. With htmx, each change re-renders the picker from the server (`regions:picker`), and the
type-ahead box (`regions:picker_search`) lists matches the user taps to choose.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from bangkit.regions.codes import INVALID_CODE_MESSAGE, is_region_code, parse_region_codes
from bangkit.regions.models import Region, RegionLevel, ancestor_codes
from bangkit.regions.selectors import regions_within

_PLACEHOLDERS = {
    RegionLevel.PROVINCE: _("— Pilih provinsi —"),
    RegionLevel.REGENCY: _("— Pilih kabupaten/kota —"),
    RegionLevel.DISTRICT: _("— Pilih kecamatan —"),
    RegionLevel.VILLAGE: _("— Pilih desa/kelurahan —"),
}


def deepest_consistent(values: list[str]) -> str | None:
    """The region chosen with the picker's selects: from the province down, each choice under the one above.

    The selects all carry the field's name. When a shallower choice changes (without JavaScript, or before htmx
    has replaced the deeper selects), the deeper stale choices no longer lie under it and are ignored. A single
    value, as sent by a client other than the picker, is taken as it is.
    """
    chosen = {value.strip() for value in values} - {""}
    if len(values) == 1:
        return next(iter(chosen), None)
    code = next((value for value in chosen if "." not in value), None)
    while code is not None:
        deeper = next((value for value in chosen if value.rpartition(".")[0] == code), None)
        if deeper is None:
            break
        code = deeper
    return code


def _covered(code: str, within: Collection[str]) -> bool:
    """Whether the region `code` is one of `within` or lies under one of them."""
    return any(code == allowed or code.startswith(f"{allowed}.") for allowed in within)


def _under_another(code: str, codes: Collection[str]) -> bool:
    return any(code.startswith(f"{other}.") for other in codes)


def _allowed(code: str, within: Collection[str] | None) -> bool:
    """Whether a select may offer `code`: it lies within the allowed regions, or leads down to one."""
    return within is None or any(
        code == allowed or code.startswith(f"{allowed}.") or allowed.startswith(f"{code}.") for allowed in within
    )


@dataclass(frozen=True)
class _Option:
    code: str
    name: str


class RegionPickerWidget(forms.Widget):
    template_name = "regions/widgets/region_picker.html"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        min_level: int = RegionLevel.PROVINCE,
        max_level: int = RegionLevel.VILLAGE,
        within: Collection[str] | None = None,
    ):
        super().__init__(attrs)
        self.min_level = min_level
        self.max_level = max_level
        self.within: list[str] | None = None if within is None else sorted(within)

    def value_from_datadict(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> str | None:
        values = data.getlist(name) if isinstance(data, MultiValueDict) else [data.get(name) or ""]
        return deepest_consistent([str(value) for value in values])

    def value_omitted_from_data(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> bool:
        return name not in data

    def id_for_label(self, id_: str) -> str:
        return id_

    def config_query(self, name: str, id_: str, required: bool) -> str:
        """What `regions:picker` and `regions:picker_search` need to render this picker again."""
        config: dict[str, Any] = {"name": name, "id": id_, "min_level": self.min_level, "max_level": self.max_level}
        if self.within is not None:
            config["within"] = ",".join(self.within)
        if required:
            config["required"] = 1
        return urlencode(config)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        attrs = dict(widget["attrs"])
        css = "form-select is-invalid" if "is-invalid" in attrs.pop("class", "") else "form-select"
        id_ = attrs.pop("id", None) or f"id_{name}"
        # A malformed value (from a tampered form) shows the province select alone, without a query for it.
        value = widget["value"]
        chain = ancestor_codes(value) if isinstance(value, str) and is_region_code(value) else []
        options = self._options(chain)
        query = self.config_query(name, id_, bool(widget["required"]))
        levels: list[dict[str, Any]] = []
        names: list[str] = []
        parent: str | None = None
        for level in range(RegionLevel.PROVINCE, self.max_level + 1):
            choices = options.get(parent, [])
            wanted = chain[level - 1] if len(chain) >= level else None
            selected = next((option for option in choices if option.code == wanted), None)
            levels.append(
                {
                    "id": id_ if level == RegionLevel.PROVINCE else f"{id_}_{level}",
                    "label": RegionLevel(level).label,
                    "placeholder": _PLACEHOLDERS[RegionLevel(level)],
                    "options": choices,
                    "selected": selected.code if selected else "",
                }
            )
            # The next level's select appears only under a valid choice at this one.
            if selected is None:
                break
            names.append(selected.name)
            parent = selected.code
        widget.update(
            attrs=attrs,
            css=css,
            picker_id=f"{id_}_picker",
            levels=levels,
            summary=f"{names[-1]} — {', '.join(reversed(names[:-1]))}" if len(names) > 1 else "".join(names),
            picker_url=f"{reverse('regions:picker')}?{query}",
            search_url=f"{reverse('regions:picker_search')}?{query}",
        )
        return context

    def _options(self, chain: list[str]) -> dict[str | None, list[_Option]]:
        """Each select's options, keyed by the parent code (None for the provinces), in one query."""
        rows = Region.objects.filter(Q(level=RegionLevel.PROVINCE) | Q(parent_id__in=chain[: self.max_level - 1]))
        options: dict[str | None, list[_Option]] = {}
        for code, name, parent in rows.order_by("name", "code").values_list("code", "name", "parent_id"):
            if _allowed(code, self.within):
                options.setdefault(parent, []).append(_Option(code, name))
        return options


class RegionField(forms.ModelChoiceField):
    """A region chosen with the picker, between `min_level` and `max_level`, optionally only `within` some regions.

    `within` (region codes, or None for all Indonesia) may also be set after the form is built, e.g. to the
    user's jurisdictions: `form.fields["region"].within = codes`.
    """

    widget = RegionPickerWidget
    default_error_messages = {
        "required": _("Pilih wilayah."),
        "invalid_choice": _("Wilayah tidak ditemukan."),
        "invalid_code": INVALID_CODE_MESSAGE,
        "not_deep_enough": _("Pilih sampai tingkat %(level)s."),
        "too_deep": _("Pilih wilayah setingkat %(level)s atau di atasnya."),
        "outside": _("Wilayah ini di luar wilayah yang dapat Anda pilih."),
    }

    def __init__(
        self,
        *,
        queryset: QuerySet[Region] | None = None,
        min_level: int = RegionLevel.PROVINCE,
        max_level: int = RegionLevel.VILLAGE,
        within: Collection[str] | None = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("label", _("Wilayah"))
        unrestricted = Region.objects.all() if queryset is None else queryset
        super().__init__(queryset=unrestricted, **kwargs)
        self._unrestricted = unrestricted
        self.min_level = min_level
        self.max_level = max_level
        self.widget.min_level = min_level
        self.widget.max_level = max_level
        self.within = within

    @property
    def within(self) -> list[str] | None:
        return self._within

    @within.setter
    def within(self, codes: Collection[str] | None) -> None:
        # Only the outermost codes: "53.01" adds nothing to "53", but would lengthen every picker URL and search.
        distinct = set() if codes is None else set(codes)
        self._within = (
            None if codes is None else sorted(code for code in distinct if not _under_another(code, distinct))
        )
        self.widget.within = self._within
        self.queryset = (
            self._unrestricted
            if self._within is None
            else self._unrestricted.filter(pk__in=regions_within(self._within).values("pk"))
        )

    def to_python(self, value: Any) -> Region | None:
        if value in self.empty_values:
            return None
        code = value.pk if isinstance(value, Region) else str(value).strip()
        if not is_region_code(code):
            raise ValidationError(self.error_messages["invalid_code"], code="invalid_code")
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return region

    def validate(self, value: Region | None) -> None:
        super().validate(value)
        if value is None:
            return
        if value.level < self.min_level:
            raise ValidationError(
                self.error_messages["not_deep_enough"],
                code="not_deep_enough",
                params={"level": RegionLevel(self.min_level).label},
            )
        if value.level > self.max_level:
            raise ValidationError(
                self.error_messages["too_deep"], code="too_deep", params={"level": RegionLevel(self.max_level).label}
            )
        # `within` is checked here rather than in the database, so that however many regions it names, no query
        # grows with them.
        outside_within = self._within is not None and not _covered(value.code, self._within)
        if outside_within or not self._unrestricted.filter(pk=value.pk).exists():
            raise ValidationError(self.error_messages["outside"], code="outside")


class RegionCodesField(forms.CharField):
    """Region codes separated by commas (at most MAX_REGION_CODES), cleaned to a sorted list of distinct codes.

    Only their shape is checked: a well-formed code that names no region is the caller's to refuse or to ignore.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str] | None:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return parse_region_codes(text)


class RegionPickForm(forms.Form):
    """The browse page's picker: any region, to open its page."""

    region = RegionField(label=_("Pilih wilayah"), required=False)
