"""One row of a people spreadsheet: read, checked with the registry's own rules, and prepared for the registry.

The rules are the services' (`registry/services/people.py`, `bank_accounts.py`, `migration.py`) and the shared pure
checks they rest on (`regions/nik.py`, `registry/validation.py`, `bank_accounts.normalise_account_number`,
`name_match_score`), applied here in Python at spreadsheet speed instead of one service call per row. A valid row
becomes a tuple of `STAGED_FIELDS`, every identifier already encrypted for its registry column and indexed as
that column indexes it (the fields' own `get_prep_value` and `index_for`), plus an `IncomingPerson` for the
duplicate matcher.

Reading a row happens in two steps so that regions can be looked up for a whole chunk at once: `read` (no query;
notes the region wanted) and, after `RegionResolver.fetch`, `finish`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.core.exceptions import ServiceError
from bangkit.core.fields import BlindIndexField, EncryptedTextField
from bangkit.core.scoping import covers
from bangkit.dataimport import cells
from bangkit.dataimport.choices import Severity
from bangkit.dataimport.dates import DateError, parse_date
from bangkit.dataimport.headers import COLUMNS_BY_KEY, IDENTIFIER_KEYS, STAY_KEYS, HeaderMatch
from bangkit.dataimport.resolvers import (
    SEX,
    BankResolver,
    RegionQuery,
    RegionResolver,
    choice_value,
    country_code,
)
from bangkit.regions.models import search_key
from bangkit.regions.nik import InvalidNik, mask_nik, nik_matches, parse_nik
from bangkit.registry import choices
from bangkit.registry.identifiers import mask_digits
from bangkit.registry.matching import IncomingPerson, split_other_names
from bangkit.registry.models import BankAccount, MigrationStay, Person, Phone
from bangkit.registry.services.bank_accounts import NAME_MATCH_THRESHOLD, name_match_score
from bangkit.registry.validation import (
    HOME_COUNTRY,
    clean_kk_number,
    clean_phone_number,
    debarkation_point,
    estimated_age_valid,
    estimated_birth_date,
    stay_date_problems,
)

# The columns of StagedPerson written for each valid row, in this order (besides `job` and `row_number`).
STAGED_FIELDS = (
    "full_name",
    "other_names",
    "search_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "nik",
    "nik_index",
    "nik_conflict_confirmed",
    "kk_number",
    "kk_index",
    "region",
    "street",
    "phone_number",
    "phone_index",
    "bank_code",
    "account_number",
    "account_number_index",
    "holder_name",
    "name_match_score",
    "name_mismatch",
    "country",
    "city",
    "work_sector",
    "employer",
    "recruiting_agency",
    "departure_route",
    "departed_on",
    "returned_on",
    "return_mode",
    "debarkation_point",
    "referred_by",
)
_LIMITS = {
    "full_name": 200,
    "other_names": 300,
    "street": 300,
    "holder_name": 200,
    "city": 120,
    "employer": 200,
    "recruiting_agency": 200,
    "debarkation_point": 100,
}
_PHONE_LIST = re.compile(r"\s*[,;/]\s*|\s+(?:atau|dan|or)\s+")
_TRAILING_DATE = re.compile(r"[,;]\s*([^,;]+)$")
OLDEST_BIRTH_YEAR = 1900
MAX_VALUE_LENGTH = 200


@dataclass(slots=True)
class Problem:
    row: int
    key: str  # column key ("" for the row as a whole)
    code: str
    message: str
    severity: str = Severity.ERROR
    value: str = ""
    person_id: int | None = None
    details: dict[str, Any] | None = None


@dataclass(slots=True)
class Row:
    """What one row says, as far as read; `staged` and `incoming` once it proved valid."""

    number: int
    problems: list[Problem] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    region: RegionQuery | None = None
    staged: tuple[Any, ...] | None = None
    incoming: IncomingPerson | None = None

    @property
    def has_errors(self) -> bool:
        return any(problem.severity == Severity.ERROR for problem in self.problems)

    def has_errors_in(self, *keys: str) -> bool:
        return any(problem.severity == Severity.ERROR and problem.key in keys for problem in self.problems)


def masked(key: str, value: object) -> str:
    """A cell's value as a problem may show it: identifiers masked, everything else cut to a sensible length."""
    shown = cells.text(value)
    if key in IDENTIFIER_KEYS and shown:
        compact = shown.replace(" ", "")
        if scientific := cells.SCIENTIFIC.fullmatch(compact):  # 5,30108E+15: no digit worth showing
            exponent = scientific.start(4) - 1
            return re.sub(r"[0-9]", "*", compact[:exponent]) + compact[exponent:]
        digits = re.sub(r"[^0-9]", "", shown)
        return mask_nik(digits) if len(digits) == 16 else mask_digits(digits) or "*" * min(len(shown), 8)
    return shown[:MAX_VALUE_LENGTH]


class _Fields:
    """The registry fields whose preparation the staged values must match, looked up once."""

    def __init__(self) -> None:
        self.nik: EncryptedTextField = Person._meta.get_field("nik")
        self.nik_index: BlindIndexField = Person._meta.get_field("nik_index")
        self.kk: EncryptedTextField = Person._meta.get_field("kk_number")
        self.kk_index: BlindIndexField = Person._meta.get_field("kk_index")
        self.phone: EncryptedTextField = Phone._meta.get_field("number")
        self.phone_index: BlindIndexField = Phone._meta.get_field("number_index")
        self.account: EncryptedTextField = BankAccount._meta.get_field("account_number")
        self.account_index: BlindIndexField = BankAccount._meta.get_field("account_number_index")
        # The model's own constraint: a stay's country is a CountryField; only the code is stored.
        assert MigrationStay._meta.get_field("country").max_length == 2


class PeopleRows:
    """Reads rows of one file for one importing user; see the module's docstring."""

    def __init__(
        self,
        *,
        header: HeaderMatch,
        jurisdiction: frozenset[str],
        target_region: str,
        regions: RegionResolver,
        banks: BankResolver,
        today: date,
    ) -> None:
        self.positions = header.positions
        self.jurisdiction = jurisdiction
        self.target_region = target_region
        self.regions = regions
        self.banks = banks
        self.today = today
        self.fields = _Fields()
        self.has_stay_columns = any(key in self.positions for key in STAY_KEYS)
        self.has_account_columns = "bank" in self.positions or "account_number" in self.positions

    # -- reading ----------------------------------------------------------------------------------------------------

    def read(self, number: int, row_cells: list[Any]) -> Row | None:
        """Everything that needs no query; None for an empty row."""
        got: dict[str, Any] = {}
        width = len(row_cells)
        for key, position in self.positions.items():
            if position < width:
                value = row_cells[position]
                if not cells.is_blank(value):
                    got[key] = value
        if not got:
            return None
        row = Row(number)
        values: dict[str, Any] = {}
        row.values = values
        self._name(row, got, values)
        info = self._nik(row, got, values)
        self._kk(row, got, values)
        self._sex_and_birth(row, got, values, info)
        row.region = RegionQuery(
            code=cells.number_text(got["region_code"]) if "region_code" in got else "",
            village=cells.text(got.get("village")),
            district=cells.text(got.get("district")),
            regency=cells.text(got.get("regency")),
        )
        self.regions.want(row.region)
        values["street"] = self._limited(row, got, "street")
        self._phone(row, got, values)
        if self.has_account_columns:
            self._account(row, got, values)
        if self.has_stay_columns:
            self._stay(row, got, values)
        return row

    def _error(self, row: Row, key: str, code: str, message: str, value: object = None) -> None:
        row.problems.append(Problem(row.number, key, code, message, Severity.ERROR, masked(key, value)))

    def _warn(self, row: Row, key: str, code: str, message: str, value: object = None) -> None:
        row.problems.append(Problem(row.number, key, code, message, Severity.WARNING, masked(key, value)))

    def _limited(self, row: Row, got: dict[str, Any], key: str) -> str:
        value = cells.text(got.get(key))
        limit = _LIMITS[key]
        if len(value) > limit:
            self._error(
                row,
                key,
                "too_long",
                _("Paling banyak %(limit)d karakter (%(count)d).") % {"limit": limit, "count": len(value)},
                value,
            )
        return value

    def _name(self, row: Row, got: dict[str, Any], values: dict[str, Any]) -> None:
        values["full_name"] = name = self._limited(row, got, "full_name")
        if not name:
            self._error(row, "full_name", "required", _("Nama wajib diisi."))
        elif not any(char.isalpha() for char in name):
            self._error(row, "full_name", "invalid", _("Nama harus berisi huruf."), name)
        values["other_names"] = self._limited(row, got, "other_names") if "other_names" in got else ""

    def _nik(self, row: Row, got: dict[str, Any], values: dict[str, Any]) -> Any:
        values["nik"] = ""
        if "nik" not in got:
            return None
        raw = got["nik"]
        try:
            text, warnings = cells.nik_cell(raw)
        except cells.CellError as error:
            self._error(row, "nik", error.code, error.message, raw)
            return None
        for warning in warnings:
            self._warn(row, "nik", "nik_number_cell", warning, raw)
        try:
            info = parse_nik(text, today=self.today)
        except InvalidNik as error:
            self._error(row, "nik", f"nik_{error.code}", str(error.message), raw)
            return None
        values["nik"] = info.nik
        return info

    def _kk(self, row: Row, got: dict[str, Any], values: dict[str, Any]) -> None:
        values["kk_number"] = ""
        if "kk_number" not in got:
            return
        raw = got["kk_number"]
        try:
            text, warnings = cells.nik_cell(raw, what=_l("Nomor KK"))
        except cells.CellError as error:
            self._error(row, "kk_number", error.code.replace("nik", "kk"), error.message, raw)
            return
        try:
            digits = clean_kk_number(text)
        except ServiceError as error:
            self._error(row, "kk_number", "kk_format", error.message, raw)
            return
        for warning in warnings:
            self._warn(row, "kk_number", "kk_number_cell", warning, raw)
        values["kk_number"] = digits

    def _date(self, row: Row, got: dict[str, Any], key: str) -> date | None:
        if key not in got:
            return None
        try:
            return parse_date(got[key], today=self.today)
        except DateError as error:
            self._error(row, key, "date", error.message, got[key])
            return None

    def _sex_and_birth(self, row: Row, got: dict[str, Any], values: dict[str, Any], info: Any) -> None:
        sex = ""
        if "sex" in got:
            sex = SEX.get(search_key(cells.text(got["sex"])), "")
            if not sex:
                self._error(row, "sex", "sex", _("Tulis L atau P (laki-laki atau perempuan)."), got["sex"])
        elif info is not None:
            sex = info.sex
            self._warn(row, "sex", "sex_from_nik", _("Jenis kelamin tidak diisi; diambil dari NIK."))
        else:
            self._error(row, "sex", "required", _("Jenis kelamin wajib diisi (L atau P)."))
        values["sex"] = sex

        estimated = False
        birth = self._date(row, got, "birth_date")
        if birth is None and "birth_date" not in got and "birth_place_date" in got:
            birth = self._birth_from_place_date(row, got["birth_place_date"])
        if birth is None and "age" in got and not row.has_errors_in("birth_date", "birth_place_date"):
            age = cells.text(got["age"]).lower().removesuffix("tahun").removesuffix("thn").strip()
            if age.isdigit() and estimated_age_valid(int(age)):
                birth, estimated = estimated_birth_date(int(age), today=self.today), True
            else:
                self._error(row, "age", "age", _("Umur harus angka tahun 0–120."), got["age"])
        if (
            birth is None
            and info is not None
            and not any(key in got for key in ("birth_date", "birth_place_date", "age"))
        ):
            birth = info.birth_date
            self._warn(row, "birth_date", "birth_from_nik", _("Tanggal lahir tidak diisi; diambil dari NIK."))
        elif birth is None and not row.has_errors_in("birth_date", "birth_place_date", "age"):
            self._warn(row, "birth_date", "birth_missing", _("Tanggal lahir dan umur tidak diisi."))
        if birth is not None and not estimated:
            if birth > self.today:
                self._error(
                    row, "birth_date", "future", _("Tanggal lahir tidak boleh di masa depan."), got.get("birth_date")
                )
            elif birth.year < OLDEST_BIRTH_YEAR:
                self._error(row, "birth_date", "too_old", _("Tanggal lahir sebelum tahun 1900."), got.get("birth_date"))
        values["birth_date"] = birth
        values["birth_date_estimated"] = estimated

        values["nik_conflict_confirmed"] = False
        if info is not None and sex:
            mismatches = nik_matches(info, birth_date=None if estimated else birth, sex=sex)
            if mismatches:
                text = " ".join(str(message) for message in mismatches)
                if "confirm" in got and cells.yes(got["confirm"]):
                    values["nik_conflict_confirmed"] = True
                    self._warn(
                        row,
                        "nik",
                        "nik_conflict_confirmed",
                        text + " " + _("Dikonfirmasi di kolom konfirmasi."),
                        got["nik"],
                    )
                else:
                    self._error(
                        row,
                        "nik",
                        "nik_conflict",
                        text + " " + _("Periksa KTP; bila data sudah sesuai, isi “Ya” di kolom Konfirmasi."),
                        got["nik"],
                    )

    def _birth_from_place_date(self, row: Row, value: object) -> date | None:
        """`Kupang, 13-11-1990` (tempat, tanggal lahir): the date after the last comma, or the whole cell."""
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cells.text(value)
        match = _TRAILING_DATE.search(text)
        try:
            return parse_date(match[1] if match else text, today=self.today)
        except DateError as error:
            self._error(row, "birth_place_date", "date", error.message, value)
            return None

    def _phone(self, row: Row, got: dict[str, Any], values: dict[str, Any]) -> None:
        values["phone"] = ""
        if "phone" not in got:
            return
        raw = got["phone"]
        numbers = [part for part in _PHONE_LIST.split(cells.number_text(raw)) if part]
        if len(numbers) > 1:
            self._warn(row, "phone", "phone_several", _("Beberapa nomor telepon: hanya yang pertama diimpor."), raw)
        try:
            values["phone"] = clean_phone_number(numbers[0] if numbers else "")
        except ServiceError as error:
            self._error(row, "phone", "phone", error.message, raw)

    def _account(self, row: Row, got: dict[str, Any], values: dict[str, Any]) -> None:
        values["bank_code"] = values["account_number"] = ""
        values["holder_name"] = ""
        if "bank" not in got and "account_number" not in got:
            if "holder_name" in got:
                self._error(row, "account_number", "required", _("Nama pemilik rekening diisi tanpa nomor rekening."))
            return
        if "account_number" not in got:
            self._error(row, "account_number", "required", _("Bank diisi tanpa nomor rekening."))
        else:
            raw = got["account_number"]
            try:
                digits, warnings = cells.account_cell(raw)
            except cells.CellError as error:
                self._error(row, "account_number", error.code, error.message, raw)
            else:
                values["account_number"] = digits
                for warning in warnings:
                    self._warn(row, "account_number", "account_number_cell", warning, raw)
        if "bank" not in got:
            self._error(row, "bank", "required", _("Nomor rekening diisi tanpa bank."))
        else:
            code, message = self.banks.resolve(cells.number_text(got["bank"]))
            if code is None:
                self._error(row, "bank", "bank", message, got["bank"])
            else:
                values["bank_code"] = code
        holder = self._limited(row, got, "holder_name") if "holder_name" in got else ""
        values["holder_name"] = holder or values["full_name"]

    def _stay(self, row: Row, got: dict[str, Any], values: dict[str, Any]) -> None:
        values["country"] = ""
        if not any(key in got for key in STAY_KEYS):
            return
        if "country" not in got:
            self._error(row, "country", "required", _("Negara tujuan wajib diisi bila riwayat migrasi diisi."))
        else:
            code = country_code(cells.text(got["country"]))
            if code is None:
                self._error(
                    row,
                    "country",
                    "country",
                    _("Negara “%(country)s” tidak dikenal.") % {"country": cells.text(got["country"])},
                    got["country"],
                )
            elif code == HOME_COUNTRY:
                self._error(
                    row,
                    "country",
                    "country_id",
                    _("Riwayat migrasi mencatat tinggal di luar negeri: isi negara selain Indonesia."),
                    got["country"],
                )
            else:
                values["country"] = code
        for key in ("city", "employer", "recruiting_agency"):
            values[key] = self._limited(row, got, key)
        values["debarkation_point"] = debarkation_point(self._limited(row, got, "debarkation_point"))
        for key, choices_class, default, fallback in (
            ("work_sector", choices.WorkSector, choices.WorkSector.UNKNOWN, choices.WorkSector.OTHER),
            ("departure_route", choices.DepartureRoute, choices.DepartureRoute.UNKNOWN, None),
            ("return_mode", choices.ReturnMode, choices.ReturnMode.UNKNOWN, None),
            ("referred_by", choices.ReferredBy, choices.ReferredBy.OTHER, choices.ReferredBy.OTHER),
        ):
            values[key] = str(default)
            if key not in got:
                continue
            written = cells.text(got[key])
            found = choice_value(choices_class, written)
            if found is not None:
                values[key] = found
                continue
            labels = ", ".join(str(label) for _value, label in choices_class.choices)
            message = _("“%(value)s” tidak dikenal; pilihan: %(labels)s.") % {"value": written, "labels": labels}
            if fallback is None:
                self._error(row, key, "choice", message, written)
            else:
                self._warn(row, key, "choice_other", message + " " + _("Dicatat sebagai “Lainnya”."), written)
                values[key] = str(fallback)
        values["departed_on"] = self._date(row, got, "departed_on")
        values["returned_on"] = self._date(row, got, "returned_on")
        for key, message in stay_date_problems(
            departed_on=values["departed_on"],
            returned_on=values["returned_on"],
            birth_date=values.get("birth_date"),
            birth_date_estimated=values.get("birth_date_estimated", False),
            today=self.today,
        ):
            self._error(row, key, "stay_date", message, got.get(key))

    # -- finishing --------------------------------------------------------------------------------------------------

    def finish(self, row: Row) -> None:
        """Resolves the region (after `RegionResolver.fetch`); then, for a valid row, prepares what is staged."""
        assert row.region is not None
        answer = self.regions.resolve(row.region)
        region_key = (
            "region_code"
            if row.region.code
            else "village"
            if row.region.village
            else ("district" if row.region.district else "regency")
        )
        written = row.region.code or row.region.village or row.region.district or row.region.regency
        if answer.code is None:
            self._error(row, region_key, f"region_{answer.problem}", answer.message, written)
        elif not covers(self.jurisdiction, answer.code):
            self._error(
                row,
                region_key,
                "region_outside_jurisdiction",
                _("Wilayah %(code)s di luar yurisdiksi Anda.") % {"code": answer.code},
                written,
            )
        elif not (answer.code == self.target_region or answer.code.startswith(self.target_region + ".")):
            self._error(
                row,
                region_key,
                "region_outside_target",
                _("Wilayah %(code)s di luar wilayah tujuan impor ini (%(target)s).")
                % {"code": answer.code, "target": self.target_region},
                written,
            )
        elif answer.warning:
            self._warn(row, region_key, "region_name_differs", answer.warning, written)
        if row.has_errors or answer.code is None:
            return
        values = row.values
        self._holder_match(row, values)
        if row.has_errors:
            return
        indexes = self._blind_indexes(values)
        row.staged = self._staged(values, answer.code, indexes)
        row.incoming = IncomingPerson(
            full_name=values["full_name"],
            birth_date=values["birth_date"],
            birth_date_estimated=values["birth_date_estimated"],
            sex=values["sex"],
            region_code=answer.code,
            nik=values["nik"],
            kk=values["kk_number"],
            phones=(values["phone"],) if values["phone"] else (),
            accounts=((values["bank_code"], values["account_number"]),) if values.get("account_number") else (),
            other_names=split_other_names(values["other_names"]),
            blind_indexes=indexes,
        )

    def _holder_match(self, row: Row, values: dict[str, Any]) -> None:
        values["name_match_score"], values["name_mismatch"] = 0, False
        if not values.get("account_number"):
            return
        holder = values["holder_name"]
        if search_key(holder) == search_key(values["full_name"]):
            score = 100
        else:
            score = name_match_score(holder, [values["full_name"], *split_other_names(values["other_names"])])
        values["name_match_score"] = score
        if score < NAME_MATCH_THRESHOLD:
            values["name_mismatch"] = True
            self._warn(
                row,
                "holder_name",
                "holder_mismatch",
                _("Nama pemilik rekening tidak cocok dengan nama orang ini (kecocokan %(score)d%%); rekening ditandai.")
                % {"score": score},
                holder,
            )

    def _blind_indexes(self, values: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
        """(index column, value) → the value's blind indexes, current key first: staged, and given to the matcher."""
        fields = self.fields
        indexes = {}
        for index_field, value in (
            (fields.nik_index, values["nik"]),
            (fields.kk_index, values["kk_number"]),
            (fields.phone_index, values["phone"]),
            (fields.account_index, values.get("account_number", "")),
        ):
            if value:
                indexes[(index_field.name, value)] = index_field.candidates_for(value)
        return indexes

    def _staged(
        self, values: dict[str, Any], region: str, indexes: dict[tuple[str, str], list[str]]
    ) -> tuple[Any, ...]:
        fields = self.fields
        nik, kk, phone, account = values["nik"], values["kk_number"], values["phone"], values.get("account_number", "")

        def current(index_field: BlindIndexField, value: str) -> str | None:
            found = indexes.get((index_field.name, value)) if value else None
            return found[0] if found else None

        return (
            values["full_name"],
            values["other_names"],
            search_key(values["full_name"]),
            values["sex"],
            values["birth_date"],
            values["birth_date_estimated"],
            fields.nik.get_prep_value(nik) if nik else None,
            current(fields.nik_index, nik),
            values["nik_conflict_confirmed"],
            fields.kk.get_prep_value(kk) if kk else None,
            current(fields.kk_index, kk),
            region,
            values["street"],
            fields.phone.get_prep_value(phone) if phone else None,
            current(fields.phone_index, phone),
            values.get("bank_code") or None,
            fields.account.get_prep_value(account) if account else None,
            current(fields.account_index, account),
            values.get("holder_name", "") if account else "",
            values.get("name_match_score", 0),
            values.get("name_mismatch", False),
            values.get("country", ""),
            values.get("city", ""),
            values.get("work_sector", ""),
            values.get("employer", ""),
            values.get("recruiting_agency", ""),
            values.get("departure_route", ""),
            values.get("departed_on"),
            values.get("returned_on"),
            values.get("return_mode", ""),
            values.get("debarkation_point", ""),
            values.get("referred_by", ""),
        )


def column_label(key: str) -> str:
    column = COLUMNS_BY_KEY.get(key)
    return str(column.label) if column else key
