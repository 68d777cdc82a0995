"""Synthetic population of returned migrant workers for benchmarks, demo data and tests.

Every person lives in a real village of the vendored Kemendagri data and holds a NIK and family card (KK) number
consistent with that village's district, their birth date and their sex, so the data passes the same checks as
real registrations. Names follow the region: Christian given names with Timorese and Rotenese clan names in NTT,
Sundanese and Indramayu names in West Java and Banten, Sasak names on Lombok, a general Javanese/Indonesian pool
elsewhere. About two thirds are women and most are 18–55, as among the returnees in the seed reports.

Nothing reads the database or the clock: the same seed gives the same people on any machine and any day.

    python -m bench.population --count 1000 --region 53.01 --csv out.csv
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import sys
from bisect import bisect
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Generic, Literal, TypeVar

from bangkit.regions.nik import Sex, build_nik

DATA_DIR = Path(__file__).resolve().parents[1] / "bangkit" / "regions" / "data" / "idn-area-data-4.0.1"

# Ages are counted from a fixed day, not today, so that a seed yields the same people whenever it runs.
REFERENCE_DATE = date(2025, 1, 1)
WOMEN_SHARE = 2 / 3

MaritalStatus = Literal["single", "married", "divorced", "widowed"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    full_name: str
    sex: Sex
    birth_date: date
    birth_place: str  # regency or city name as printed on a KTP, e.g. "Kupang"
    nik: str
    kk: str  # family card number: district, issue date DDMMYY, serial
    village_code: str  # "53.01.08.1007"
    district_code: str  # "53.01.08", also the region part of the NIK and KK
    phone: str  # Indonesian mobile number, 08xx...
    marital_status: MaritalStatus
    destination_country: str  # ISO 3166-1 alpha-2 code of the country the person last worked in


@dataclass(frozen=True, slots=True)
class _Weighted(Generic[T]):
    """Values with their cumulative weights, summed once instead of on every draw."""

    values: tuple[T, ...]
    cum_weights: tuple[float, ...]

    @classmethod
    def of(cls, weights: Mapping[T, float]) -> _Weighted[T]:
        return cls(tuple(weights), tuple(accumulate(weights.values())))

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum_weights, rng.random() * self.cum_weights[-1])]


def _listed(text: str) -> tuple[str, ...]:
    """Items of a comma-separated list; keeps the long name pools compact, some names being two words."""
    return tuple(name.strip() for name in text.split(","))


@dataclass(frozen=True, slots=True)
class _NamingProfile:
    women: tuple[str, ...]
    men: tuple[str, ...]
    women_second: tuple[str, ...]  # a second or family name for a woman
    men_second: tuple[str, ...]
    single_name_share: float  # share of one-word names (Casmirah, Wartini), common on Java and Lombok
    middle_name_share: float  # share with a second given name before the family name (Maria Yasinta Ndun)
    destinations: _Weighted[str]  # countries of last work abroad
    # Siti, Nur, Sri or Muhammad, Ahmad lead a name whose second word comes from the second-name pool: Siti Aminah.
    women_leads: tuple[str, ...] = ()
    men_leads: tuple[str, ...] = ()
    lead_share: float = 0.0
    women_title: str = ""  # Sasak nobility: Baiq for women, Lalu for men
    men_title: str = ""
    title_share: float = 0.0


# Timorese, Rotenese, Sabunese and Belu clan names, carried by women and men alike.
_NTT_CLANS = _listed(
    "Ndun, Lay, Tefa, Nenobais, Manafe, Nomleni, Tanaem, Benu, Selan, Bana, Neolaka, Kase, Sinlae, Tallo, Ndoen, "
    "Pellokila, Messakh, Dethan, Fanggidae, Mooy, Riwu, Kana, Haning, Boimau, Taneo, Nubatonis, Oematan, Kolo, Atok, "
    "Missa, Tualaka, Saudale, Lenggu, Lado, Hege, Bire, Djami, Toineno, Amalo, Seran, Nahak, Klau, Bria, Mau, Lake, "
    "Lomi, Nope, Bani, Sanam, Tasuib, Nenometa, Tamonob, Liu, Foeh, Baun, Lulu, Pandie, Zacharias, Tanone, Ratu"
)

_NTT = _NamingProfile(
    women=_listed(
        "Maria, Yuliana, Agustina, Adriana, Margaretha, Dorkas, Yohana, Ester, Naomi, Rosalina, Fransiska, Elisabeth, "
        "Martha, Sarlota, Oktovina, Yunita, Meri, Debora, Ferderika, Imelda, Kristina, Selfina, Novita, Welmina, "
        "Agnes, Anastasia, Marselina, Veronika, Theresia, Yasinta, Orpa, Lodia, Apriana, Jublina, Marlin, Yosefina, "
        "Aplonia, Mariana, Yulita, Erna, Kornelia, Yustina, Magdalena, Paulina, Rut, Sofia, Lusia, Mersi, Dina"
    ),
    men=_listed(
        "Yohanes, Petrus, Paulus, Yakobus, Markus, Simon, Daniel, Yosef, Fransiskus, Agustinus, Marthen, Yermias, "
        "Obed, Melkianus, Frengki, Alfred, Dominggus, Stefanus, Aleksander, Kornelis, Gabriel, Rudolf, Ferdinand, "
        "Matheus, Lukas, Semuel, Elias, Nikolaus, Benyamin, Yulius, Herman, Anderias, Eduard, Zet, Musa, Yonas"
    ),
    women_second=_NTT_CLANS,
    men_second=_NTT_CLANS,
    single_name_share=0.0,
    middle_name_share=0.3,
    destinations=_Weighted.of({"MY": 0.85, "SG": 0.04, "HK": 0.03, "TW": 0.03, "BN": 0.03, "SA": 0.02}),
)

_WEST_JAVA = _NamingProfile(
    women=_listed(
        "Casmirah, Wartini, Carinih, Tarsinah, Kartini, Rasinah, Dariah, Sutini, Warsih, Eni, Yati, Sumiati, Kusnah, "
        "Rusmini, Tarwi, Darsih, Kasmini, Nining, Tuti, Lilis, Euis, Neneng, Yayah, Imas, Cucu, Nurhayati, Dewi, "
        "Rina, Iis, Rokayah, Saripah, Castini, Karsih, Tarminah, Waryati, Kuraesin, Enah, Dasirah, Warniti, Ratem, "
        "Sunengsih, Atikah, Tiah, Masriah, Kuminah, Rasmi, Wasiah, Caridah, Juju, Entin, Popon, Ela, Ijah"
    ),
    men=_listed(
        "Dedi, Casmadi, Warsono, Tarsono, Kasmadi, Darsim, Rasta, Carmin, Dadang, Asep, Ujang, Cecep, Agus, Wahyu, "
        "Rohman, Sukarta, Kadir, Suryadi, Taryono, Endang, Jajang, Ade, Dasim, Warsa, Tarmin, Kusnadi, Wawan, Deden, "
        "Yayan, Nana, Caslim, Warta, Darmaji, Rastiwan, Encep, Iwan, Herman, Tatang, Opik"
    ),
    women_second=_listed(
        "Aminah, Rohmah, Nurjanah, Maryam, Fatimah, Hasanah, Komariah, Rahayu, Lestari, Wulandari, Sari, Handayani, "
        "Rohaeti, Solihah, Mulyani, Kurniasih, Aisyah, Khodijah, Jubaedah, Rukoyah, Yulianti, Nurhasanah, Sumarni"
    ),
    men_second=_listed(
        "Supriyadi, Hidayat, Setiawan, Permana, Suryana, Rohmat, Kurniawan, Saputra, Nurhadi, Sopyan, Maulana, "
        "Ridwan, Rahmat, Gunawan, Sunarya, Sutisna, Mulyana, Sudrajat, Hermawan, Sopandi, Hidayatullah, Ruhiyat"
    ),
    single_name_share=0.5,
    middle_name_share=0.0,
    destinations=_Weighted.of(
        {"SA": 0.25, "MY": 0.2, "TW": 0.2, "HK": 0.12, "AE": 0.08, "SG": 0.05, "KW": 0.04, "KR": 0.03, "QA": 0.03}
    ),
    women_leads=("Siti", "Nur", "Sri", "Neng"),
    men_leads=("Muhammad", "Ahmad", "Mohamad"),
    lead_share=0.15,
)

_LOMBOK = _NamingProfile(
    women=_listed(
        "Rumenah, Sumenah, Marniah, Hapsah, Rohimah, Nurhidayah, Sanah, Mahnah, Muninah, Hariati, Rabiah, Saenah, "
        "Saodah, Halimah, Zaenab, Murniati, Suhartini, Sahrani, Salmah, Rukmini, Hadijah, Maknah, Sarinah, "
        "Nursiah, Jumenah, Marwiyah, Rusnah, Supiani, Mariani"
    ),
    men=_listed(
        "Sahnun, Mahsun, Mahrip, Saprudin, Hasanudin, Muhlis, Zainudin, Jumadil, Sahwan, Amrullah, Kamarudin, "
        "Fathurrahman, Hairul, Lukman, Sapardi, Munawir, Syamsul, Ramli, Sahdan, Mustiadi, Jumaidi, Sukri, Husni, "
        "Makmun, Sarjan"
    ),
    women_second=_listed(
        "Hidayati, Wahyuni, Aini, Fitriani, Rahmawati, Ningsih, Hartini, Sofiana, Hasanah, Apriani, Susanti, Yuliani"
    ),
    men_second=_listed(
        "Hadi, Rahman, Hakim, Ihsan, Anwar, Ridwan, Arifin, Mahmud, Hamdi, Zulkifli, Hasan, Fauzi, Rosidi, Saleh"
    ),
    single_name_share=0.5,
    middle_name_share=0.0,
    destinations=_Weighted.of({"MY": 0.7, "SA": 0.15, "AE": 0.05, "BN": 0.04, "TW": 0.03, "KR": 0.03}),
    women_leads=("Nurul", "Sri", "Siti"),
    men_leads=("Muhammad", "Ahmad"),
    lead_share=0.12,
    women_title="Baiq",
    men_title="Lalu",
    title_share=0.1,
)

_GENERAL = _NamingProfile(
    women=_listed(
        "Dewi, Rina, Yuni, Fitri, Ani, Lina, Ratna, Wulan, Dian, Novi, Indah, Ayu, Putri, Sutinah, Sumiati, Suparmi, "
        "Tukinem, Endang, Puji, Sulastri, Parmi, Mariyam, Yuliani, Suryani, Eka, Tri, Wahyuni, Sukarti, Yanti, Susi, "
        "Ernawati, Kasiyem, Painem, Sunarti, Umi, Winarti, Rohani, Sulistyowati, Murni, Eni, Ida, Yuliana, Linda"
    ),
    men=_listed(
        "Budi, Agus, Eko, Joko, Andi, Hendra, Rudi, Dwi, Bambang, Rizki, Fajar, Yusuf, Arif, Slamet, Sugeng, Paijo, "
        "Suparman, Heru, Teguh, Wahyu, Bayu, Sutrisno, Imam, Supriyanto, Sukirno, Mulyadi, Hadi, Tono, Yanto, Rahmat, "
        "Sutejo, Darmanto, Dodi, Anton, Irfan, Ilham"
    ),
    women_second=_listed(
        "Lestari, Rahayu, Wati, Handayani, Susanti, Purwanti, Kusumawati, Anggraini, Safitri, Ningsih, Pratiwi, "
        "Wulandari, Utami, Sari, Setyowati, Wahyuni, Rahmawati, Hasanah, Aminah, Maesaroh, Fatimah, Nurhayati"
    ),
    men_second=_listed(
        "Santoso, Wijaya, Prasetyo, Hidayat, Saputra, Setiawan, Kurniawan, Nugroho, Susanto, Pratama, Purnomo, "
        "Wibowo, Firmansyah, Hermawan, Sulistyo, Siswanto, Haryanto, Gunawan, Syahputra, Hakim, Fauzi, Ramadhan"
    ),
    single_name_share=0.35,
    middle_name_share=0.0,
    destinations=_Weighted.of(
        {"MY": 0.45, "TW": 0.15, "HK": 0.13, "SA": 0.1, "SG": 0.07, "KR": 0.04, "JP": 0.03, "AE": 0.03}
    ),
    women_leads=("Siti", "Nur", "Sri"),
    men_leads=("Muhammad", "Ahmad"),
    lead_share=0.15,
)

# Relative weight of a province when sampling several: roughly its share of migrant workers placed abroad (BP2MI),
# so that a national sample looks like the caseload, not like the many small villages of Aceh and Papua.
_PROVINCE_WEIGHTS = {
    "35": 25.0,  # Jawa Timur
    "33": 22.0,  # Jawa Tengah
    "32": 20.0,  # Jawa Barat
    "52": 12.0,  # Nusa Tenggara Barat
    "18": 6.0,  # Lampung
    "53": 6.0,  # Nusa Tenggara Timur
    "12": 3.0,  # Sumatera Utara
    "36": 2.0,  # Banten
    "51": 2.0,  # Bali
    "34": 1.0,  # DI Yogyakarta
}
_OTHER_PROVINCE_WEIGHT = 0.5

# By regency code, else by province code. Banten shares West Java's Sundanese names; Sasak names and titles belong to
# Lombok, not to Sumbawa in the same province.
_PROFILES = {
    "53": _NTT,
    "32": _WEST_JAVA,
    "36": _WEST_JAVA,
    **dict.fromkeys(["52.01", "52.02", "52.03", "52.08", "52.71"], _LOMBOK),
}

# Operator prefixes in use (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
_PHONE_PREFIXES = _listed(
    "0811, 0812, 0813, 0821, 0822, 0823, 0851, 0852, 0853, 0814, 0815, 0816, 0855, 0856, 0857, 0858, 0817, 0818, "
    "0819, 0859, 0877, 0878, 0831, 0832, 0833, 0838, 0895, 0896, 0897, 0898, 0899, 0881, 0882, 0883, 0887, 0888"
)

_MARITAL_BY_AGE: tuple[tuple[float, _Weighted[MaritalStatus]], ...] = (
    (20, _Weighted.of({"single": 0.85, "married": 0.15})),
    (30, _Weighted.of({"single": 0.35, "married": 0.55, "divorced": 0.1})),
    (45, _Weighted.of({"single": 0.1, "married": 0.7, "divorced": 0.15, "widowed": 0.05})),
    (200, _Weighted.of({"single": 0.04, "married": 0.7, "divorced": 0.12, "widowed": 0.14})),
)

_DAYS_PER_YEAR = 365.2425
# Earliest issue date given to a family card: older cards have been reissued since, with a new number.
_EARLIEST_KK = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class _Village:
    code: str
    district_code: str
    birth_place: str


def _read_csv(name: str) -> Iterator[list[str]]:
    with gzip.open(DATA_DIR / name, "rt", encoding="utf-8", newline="") as file:
        rows = csv.reader(file)
        next(rows)  # header
        yield from rows


@cache
def load_villages() -> tuple[_Village, ...]:
    """Every village of the vendored data, read once per process (about 0.2 s)."""
    regency_names: dict[str, str] = {}
    for code, _province, name in _read_csv("regencies.csv.gz"):
        # A KTP prints the place of birth without the "Kabupaten"/"Kota" prefix.
        regency_names[code] = name.removeprefix("Kabupaten ").removeprefix("Kota ")
    return tuple(
        _Village(code, district_code, regency_names[district_code[:5]])
        for code, district_code, _name in _read_csv("villages.csv.gz")
    )


def _villages_by_province(region_prefix: str | None) -> dict[str, list[_Village]]:
    below = f"{region_prefix}."
    by_province: dict[str, list[_Village]] = {}
    for village in load_villages():
        if region_prefix is None or village.code == region_prefix or village.code.startswith(below):
            by_province.setdefault(village.code[:2], []).append(village)
    if not by_province:
        raise ValueError(f"no village under region {region_prefix!r}")
    return by_province


def _age_in_years(rng: random.Random) -> float:
    draw = rng.random()
    if draw < 0.03:  # a few trafficked children, so the special handling of children's data gets exercised
        return rng.uniform(14, 18)
    if draw < 0.95:
        return rng.triangular(18, 55, 28)
    return rng.uniform(55, 66)


def _full_name(rng: random.Random, profile: _NamingProfile, sex: Sex) -> str:
    if sex == "F":
        given, seconds, leads, title = profile.women, profile.women_second, profile.women_leads, profile.women_title
    else:
        given, seconds, leads, title = profile.men, profile.men_second, profile.men_leads, profile.men_title
    if leads and rng.random() < profile.lead_share:
        parts = [rng.choice(leads), rng.choice(seconds)]
    else:
        parts = [rng.choice(given)]
        if rng.random() < profile.middle_name_share:
            middle = rng.choice(given)
            if middle != parts[0]:
                parts.append(middle)
        if rng.random() >= profile.single_name_share:
            parts.append(rng.choice(seconds))
    if title and rng.random() < profile.title_share:
        parts.insert(0, title)
    return " ".join(parts)


def _next_serial(counters: dict[str, int], prefix: str) -> int:
    counters[prefix] = serial = counters.get(prefix, 0) + 1
    return serial


def generate_people(
    n: int, *, seed: int = 0, region_prefix: str | None = None, today: date = REFERENCE_DATE
) -> Iterator[SyntheticPerson]:
    """`n` people living in villages under `region_prefix` ("53", "53.01", "53.01.08"; all Indonesia if None).

    Ages are counted back from `today`. NIK and KK serials count up from 0001 per region and date, as the civil
    registry issues them, so all NIKs and all KK numbers of one call are unique.
    """
    # The region is part of the seed, so that people generated for two regions with one seed are not twins.
    rng = random.Random(f"{seed}:{region_prefix}")
    by_province = _villages_by_province(region_prefix)
    provinces = _Weighted.of({code: _PROVINCE_WEIGHTS.get(code, _OTHER_PROVINCE_WEIGHT) for code in by_province})
    nik_serials: dict[str, int] = {}
    kk_serials: dict[str, int] = {}
    for _ in range(n):
        village = rng.choice(by_province[provinces.pick(rng)])
        district = village.district_code
        profile = _PROFILES.get(district[:5]) or _PROFILES.get(district[:2], _GENERAL)
        sex: Sex = "F" if rng.random() < WOMEN_SHARE else "M"
        age = _age_in_years(rng)
        birth_date = today - timedelta(days=int(age * _DAYS_PER_YEAR))

        nik = build_nik(district, birth_date, sex, _next_serial(nik_serials, f"{district} {birth_date} {sex}"))

        # The KK is issued when a household forms or changes; a minor is on the parents' card.
        kk_from = max(birth_date + timedelta(days=int(17 * _DAYS_PER_YEAR)), _EARLIEST_KK)
        if kk_from > today:
            kk_from = birth_date
        issued = kk_from + timedelta(days=rng.randrange((today - kk_from).days + 1))
        kk_prefix = district.replace(".", "") + issued.strftime("%d%m%y")
        kk = f"{kk_prefix}{_next_serial(kk_serials, kk_prefix):04d}"

        subscriber_digits = 8 if rng.random() < 0.8 else 7
        phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**subscriber_digits):0{subscriber_digits}d}"
        marital = next(weighted for limit, weighted in _MARITAL_BY_AGE if age < limit).pick(rng)

        yield SyntheticPerson(
            full_name=_full_name(rng, profile, sex),
            sex=sex,
            birth_date=birth_date,
            birth_place=village.birth_place,
            nik=nik,
            kk=kk,
            village_code=village.code,
            district_code=district,
            phone=phone,
            marital_status=marital,
            destination_country=profile.destinations.pick(rng),
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.population", description="Write synthetic people as CSV.")
    parser.add_argument("--count", type=int, default=1000, help="number of people (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same people")
    parser.add_argument("--region", default=None, help="region code prefix such as 53 or 53.01 (default: all)")
    parser.add_argument("--csv", default="-", help="output file (default: standard output)")
    args = parser.parse_args(argv)

    columns = [field.name for field in fields(SyntheticPerson)]
    people = generate_people(args.count, seed=args.seed, region_prefix=args.region)
    with nullcontext(sys.stdout) if args.csv == "-" else open(args.csv, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([getattr(person, column) for column in columns] for person in people)
    return 0


if __name__ == "__main__":
    sys.exit(main())
