"""Demo people of the two seed events: returned migrants of Kabupaten Kupang (NTT) and Kabupaten Indramayu (Jawa Barat).

Everything is written through the registry's services, acting as the demo user who would have done it (the case
worker registers, the finance officer verifies an account), so history, consents, duplicate candidates and account
name checks come out as in real use. The people are written out by hand, not drawn at random: the same names, NIKs
and stories on every machine. Dates are counted back from the day of loading, so the demo looks current.

Each person is found again by their NIK (blind index) or, without a NIK, by their phone number: a person already
there is left alone, whatever a demo user did to them since, so that loading again adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from auditlog.cid import correlation_id
from auditlog.context import set_actor
from django.utils import timezone

from bangkit.accounts.demo import DEMO_ORGANISATIONS, demo_email
from bangkit.accounts.models import Organisation, User
from bangkit.accounts.roles import VERIFY_BANK_ACCOUNT, Role
from bangkit.core.scoping import covers
from bangkit.regions.models import Region
from bangkit.regions.nik import Sex, build_nik
from bangkit.registry.choices import (
    ConsentPurpose,
    ConsentSigner,
    CtdcRecruiterRelationship,
    DepartureRoute,
    DocumentKind,
    Education,
    IdentificationOutcome,
    MaritalStatus,
    PhoneLabel,
    ReferredBy,
    ReturnMode,
    TraffickingAct,
    TraffickingMeans,
    TraffickingPurpose,
    TravelDocument,
    VerificationMethod,
    WorkSector,
    YesNoUnknown,
)
from bangkit.registry.models import Bank, BankAccount, IdentityDocument, Person, Phone
from bangkit.registry.services.bank_accounts import bank_account_create, bank_account_verify
from bangkit.registry.services.consents import consent_record, consent_withdraw
from bangkit.registry.services.identification import identification_create
from bangkit.registry.services.migration import migration_stay_create
from bangkit.registry.services.people import document_save, person_create, phone_save

# The Dinas Sosial that verifies accounts and confirms identifications in each regency.
REGENCY_OFFICE = {"53.01": "dinsos-kupang", "32.12": "dinsos-indramayu"}


@dataclass(frozen=True)
class DemoAccount:
    bank_code: str
    number: str
    holder: str
    verified_by: str = ""  # a VerificationMethod; empty: left unverified


@dataclass(frozen=True)
class DemoConsent:
    purpose: str
    shared_with: tuple[str, ...] = ()  # organisation slugs
    shared_with_any: bool = False
    guardian: tuple[str, str] | None = None  # (name, relationship)
    withdrawn_days_ago: int | None = None
    withdrawal_note: str = ""


@dataclass(frozen=True)
class DemoStay:
    country: str
    city: str
    work_sector: str
    departure_route: str
    documents_held: tuple[str, ...]
    departed_days_ago: int | None
    returned_days_ago: int
    return_mode: str
    debarkation_point: str
    referred_by: str
    employer: str = ""
    recruiting_agency: str = ""
    agency_licensed: str = YesNoUnknown.UNKNOWN


@dataclass(frozen=True)
class DemoIdentification:
    outcome: str
    acts: tuple[str, ...] = ()
    means: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    recruiter: str = CtdcRecruiterRelationship.UNKNOWN
    story: str = ""  # the person's account (encrypted)


@dataclass(frozen=True)
class DemoPerson:
    key: str  # how the cases demo names this person
    full_name: str
    sex: Sex
    village: str  # where they live now; the NIK's district is this village's
    worker: str  # slug of the organisation whose case worker registers them
    registered_days_ago: int
    phone: str
    birth_date: date | None = None
    estimated_age: int | None = None
    nik_serial: int | None = None  # None: registered without a NIK
    phone_label: str = PhoneLabel.OWN
    street: str = ""
    marital_status: str = MaritalStatus.UNKNOWN
    education: str = Education.UNKNOWN
    account: DemoAccount | None = None
    consents: tuple[DemoConsent, ...] = ()
    stays: tuple[DemoStay, ...] = ()
    document: tuple[str, str, str] | None = None  # (kind, number, issuer), issued just before the return
    identification: DemoIdentification | None = None

    @property
    def nik(self) -> str | None:
        if self.nik_serial is None or self.birth_date is None:
            return None
        return build_nik(district_of(self.village), self.birth_date, self.sex, self.nik_serial)

    @property
    def regency(self) -> str:
        return ".".join(self.village.split(".")[:2])


def district_of(village: str) -> str:
    return ".".join(village.split(".")[:3])


# --- The people -----------------------------------------------------------------------------------------------

_CASEWORK = DemoConsent(ConsentPurpose.CASE_MANAGEMENT)
_ASSISTANCE = DemoConsent(ConsentPurpose.ASSISTANCE)
_STATISTICS = DemoConsent(ConsentPurpose.STATISTICS)
_SHARE_KUPANG = DemoConsent(ConsentPurpose.DATA_SHARING, shared_with=("dinsos-kupang", "lks-rpk"))
_SHARE_INDRAMAYU = DemoConsent(ConsentPurpose.DATA_SHARING, shared_with=("dinsos-indramayu", "rsbm-tunas-mandiri"))


def _sabah(
    city: str,
    sector: str,
    *,
    departed: int | None,
    returned: int,
    documents: tuple[str, ...] = (TravelDocument.NONE,),
    mode: str = ReturnMode.DEPORTED,
    referred_by: str = ReferredBy.BP3MI,
    employer: str = "",
) -> DemoStay:
    """The commonest story in Kupang: across the border to Sabah without papers, back through Nunukan."""
    return DemoStay(
        country="MY",
        city=f"{city}, Sabah",
        work_sector=sector,
        departure_route=DepartureRoute.NON_PROCEDURAL,
        documents_held=documents,
        departed_days_ago=departed,
        returned_days_ago=returned,
        return_mode=mode,
        debarkation_point="Nunukan",
        referred_by=referred_by,
        employer=employer,
        agency_licensed=YesNoUnknown.NO,
    )


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    # --- Kabupaten Kupang, registered by LKS Rumah Perempuan Kupang --------------------------------------------
    DemoPerson(
        key="maria-ndun",
        full_name="Maria Yasinta Ndun",
        sex="F",
        birth_date=date(1994, 3, 12),
        nik_serial=1,
        village="53.01.08.1007",  # Tarus, Kupang Tengah
        worker="lks-rpk",
        registered_days_ago=80,
        phone="0812 3791 4410",
        street="RT 005/RW 002, Dusun I",
        marital_status=MaritalStatus.SINGLE,
        education=Education.JUNIOR,
        account=DemoAccount("130", "2012 0105 0172 14", "MARIA YASINTA NDUN", VerificationMethod.PASSBOOK),
        consents=(
            _CASEWORK,
            DemoConsent(ConsentPurpose.DATA_SHARING, shared_with_any=True),
            _ASSISTANCE,
        ),
        stays=(
            _sabah(
                "Tawau",
                WorkSector.PLANTATION,
                departed=1500,
                returned=95,
                employer="Ladang kelapa sawit, Tawau",
            ),
        ),
        document=(DocumentKind.SPLP, "TWU 2417720", "Konsulat Republik Indonesia Tawau"),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.CONFIRMED,
            acts=(TraffickingAct.RECRUITMENT, TraffickingAct.TRANSPORT, TraffickingAct.HARBOURING),
            means=(TraffickingMeans.FRAUD, TraffickingMeans.DEBT_BONDAGE),
            purposes=(TraffickingPurpose.FORCED_LABOUR,),
            recruiter=CtdcRecruiterRelationship.OTHER,
            story=(
                "Direkrut calo di kampung dengan janji kerja di kebun sawit bergaji RM 1.500 sebulan. Diberangkatkan "
                "lewat Nunukan tanpa paspor. Gaji dipotong untuk melunasi 'utang' ongkos perjalanan yang tidak pernah "
                "habis. Tertangkap razia, ditahan di depot imigrasi, lalu dideportasi melalui Nunukan."
            ),
        ),
    ),
    DemoPerson(
        key="yohanes-tefa",
        full_name="Yohanes Tefa",
        sex="M",
        birth_date=date(1988, 9, 5),
        nik_serial=3,
        village="53.01.08.2008",  # Noelbaki, Kupang Tengah
        worker="lks-rpk",
        registered_days_ago=210,
        phone="0813 3905 2218",
        street="RT 012/RW 004",
        marital_status=MaritalStatus.MARRIED,
        education=Education.PRIMARY,
        account=DemoAccount("002", "4623-01-018842-53-1", "YOHANES TEFA", VerificationMethod.BANK_LETTER),
        consents=(_CASEWORK, _ASSISTANCE, _STATISTICS),
        stays=(_sabah("Lahad Datu", WorkSector.PLANTATION, departed=1900, returned=230),),
        document=(DocumentKind.SPLP, "TWU 2411873", "Konsulat Republik Indonesia Tawau"),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.NOT_TRAFFICKING,
            acts=(TraffickingAct.TRANSPORT,),
            story="Berangkat sendiri bersama teman sekampung; bekerja tanpa izin kerja, upah dibayar penuh.",
        ),
    ),
    DemoPerson(
        key="agustina-seran",
        full_name="Agustina Seran",
        sex="F",
        birth_date=date(1991, 12, 20),
        nik_serial=2,
        village="53.01.08.2006",  # Oelnasi, Kupang Tengah
        worker="lks-rpk",
        registered_days_ago=45,
        phone="0852 3811 7306",
        street="RT 003/RW 001",
        marital_status=MaritalStatus.MARRIED,
        education=Education.PRIMARY,
        # Her husband's account: the name check flags it, and nobody has verified it yet.
        account=DemoAccount("130", "2010 3020 1188 45", "MARTHEN LAKE"),
        consents=(_CASEWORK, _SHARE_KUPANG, _ASSISTANCE),
        stays=(
            DemoStay(
                country="MY",
                city="Kuala Lumpur",
                work_sector=WorkSector.DOMESTIC,
                departure_route=DepartureRoute.NON_PROCEDURAL,
                documents_held=(TravelDocument.PASSPORT, TravelDocument.VISIT_VISA),
                departed_days_ago=1100,
                returned_days_ago=50,
                return_mode=ReturnMode.REPATRIATED,
                debarkation_point="Soekarno-Hatta",
                referred_by=ReferredBy.MISSION,
                employer="Rumah tangga di Cheras",
                agency_licensed=YesNoUnknown.NO,
            ),
        ),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.CONFIRMED,
            acts=(TraffickingAct.RECRUITMENT, TraffickingAct.SENDING, TraffickingAct.HARBOURING),
            means=(TraffickingMeans.FRAUD, TraffickingMeans.CONFINEMENT),
            purposes=(TraffickingPurpose.FORCED_LABOUR, TraffickingPurpose.SERVITUDE),
            recruiter=CtdcRecruiterRelationship.OTHER,
            story=(
                "Bekerja sebagai pekerja rumah tangga tanpa hari libur. Paspor ditahan majikan, gaji 14 bulan tidak "
                "dibayar, dilarang keluar rumah. Melarikan diri ke KBRI Kuala Lumpur dan dipulangkan lewat "
                "Soekarno-Hatta."
            ),
        ),
    ),
    DemoPerson(
        key="dorkas-nomleni",
        full_name="Dorkas Nomleni",
        sex="F",
        birth_date=date(1998, 5, 27),
        nik_serial=1,
        village="53.01.06.1004",  # Oesao, Kupang Timur
        worker="lks-rpk",
        registered_days_ago=25,
        phone="0821 4477 0952",
        street="RT 009/RW 003",
        marital_status=MaritalStatus.SINGLE,
        education=Education.SENIOR,
        account=DemoAccount("002", "4789-01-020417-50-8", "DORKAS NOMLENI"),  # not verified yet
        consents=(_CASEWORK, _ASSISTANCE),
        stays=(
            _sabah("Sandakan", WorkSector.HOSPITALITY, departed=800, returned=30, employer="Rumah makan, Sandakan"),
        ),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.POSSIBLE,
            acts=(TraffickingAct.TRANSPORT,),
            means=(TraffickingMeans.FRAUD,),
            purposes=(TraffickingPurpose.FORCED_LABOUR,),
            recruiter=CtdcRecruiterRelationship.FRIEND,
        ),
    ),
    DemoPerson(
        key="yuliana-benu",
        full_name="Yuliana Benu",
        sex="F",
        birth_date=date(1985, 1, 14),
        nik_serial=4,
        village="53.01.06.1003",  # Naibonat, Kupang Timur
        worker="lks-rpk",
        registered_days_ago=8,
        phone="0812 4690 3317",
        street="RT 001/RW 001",
        marital_status=MaritalStatus.WIDOWED,
        education=Education.PRIMARY,
        consents=(_CASEWORK,),
        stays=(_sabah("Keningau", WorkSector.PLANTATION, departed=2600, returned=15, referred_by=ReferredBy.DINSOS),),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.POSSIBLE,
            acts=(TraffickingAct.RECRUITMENT, TraffickingAct.TRANSPORT),
            means=(TraffickingMeans.DEBT_BONDAGE,),
            purposes=(TraffickingPurpose.FORCED_LABOUR,),
            recruiter=CtdcRecruiterRelationship.FAMILY,
        ),
    ),
    DemoPerson(
        key="petrus-nubatonis",
        full_name="Petrus Nubatonis",
        sex="M",
        birth_date=date(1979, 11, 2),
        nik_serial=2,
        village="53.01.10.1001",  # Camplong I, Fatuleu
        worker="lks-rpk",
        registered_days_ago=400,
        phone="0813 5322 6081",
        marital_status=MaritalStatus.MARRIED,
        education=Education.PRIMARY,
        account=DemoAccount("130", "2015 0107 0093 62", "PETRUS NUBATONIS", VerificationMethod.PASSBOOK),
        consents=(_CASEWORK, _ASSISTANCE, _STATISTICS),
        stays=(
            _sabah(
                "Tawau",
                WorkSector.CONSTRUCTION,
                departed=2200,
                returned=420,
                documents=(TravelDocument.PASSPORT, TravelDocument.VISIT_VISA),
            ),
        ),
        identification=DemoIdentification(outcome=IdentificationOutcome.NOT_TRAFFICKING),
    ),
    DemoPerson(
        key="marselina-tanaem",
        full_name="Marselina Tanaem",
        sex="F",
        birth_date=date(2009, 2, 18),
        nik_serial=2,
        village="53.01.08.2011",  # Penfui Timur, Kupang Tengah
        worker="lks-rpk",
        registered_days_ago=14,
        phone="0852 3904 1175",  # her mother's
        phone_label=PhoneLabel.FAMILY,
        street="RT 007/RW 002",
        marital_status=MaritalStatus.SINGLE,
        education=Education.JUNIOR,
        consents=(
            DemoConsent(ConsentPurpose.CASE_MANAGEMENT, guardian=("Yosefina Tanaem", "ibu kandung")),
            DemoConsent(
                ConsentPurpose.DATA_SHARING,
                shared_with=("dinsos-kupang", "lks-rpk"),
                guardian=("Yosefina Tanaem", "ibu kandung"),
            ),
        ),
        # Trafficked within Indonesia: no stay abroad.
        identification=DemoIdentification(
            outcome=IdentificationOutcome.CONFIRMED,
            acts=(TraffickingAct.RECRUITMENT, TraffickingAct.TRANSPORT, TraffickingAct.HARBOURING),
            means=(TraffickingMeans.FRAUD, TraffickingMeans.ABUSE_OF_POWER),
            purposes=(TraffickingPurpose.FORCED_LABOUR,),
            recruiter=CtdcRecruiterRelationship.OTHER,
            story=(
                "Dijanjikan kerja di rumah makan di Batam oleh tetangga. Ditampung di mes, bekerja sampai larut malam "
                "tanpa upah dan tidak boleh menghubungi keluarga. Ditemukan polisi dan dipulangkan ke Kupang."
            ),
        ),
    ),
    DemoPerson(
        key="fransiska-lay",
        full_name="Fransiska Lay",
        sex="F",
        birth_date=date(1990, 8, 9),
        nik_serial=1,
        village="53.01.24.2002",  # Baumata, Taebenu
        worker="lks-rpk",
        registered_days_ago=380,
        phone="0812 3650 8843",
        marital_status=MaritalStatus.DIVORCED,
        education=Education.JUNIOR,
        account=DemoAccount("009", "0712 4583 90", "FRANSISKA LAY", VerificationMethod.TEST_TRANSFER),
        consents=(_CASEWORK, _ASSISTANCE),
        stays=(
            DemoStay(
                country="SG",
                city="Singapura",
                work_sector=WorkSector.DOMESTIC,
                departure_route=DepartureRoute.PROCEDURAL,
                documents_held=(
                    TravelDocument.PASSPORT,
                    TravelDocument.WORK_PERMIT,
                    TravelDocument.EMPLOYMENT_CONTRACT,
                    TravelDocument.BP2MI_CARD,
                ),
                departed_days_ago=4300,
                returned_days_ago=3600,
                return_mode=ReturnMode.SELF_RETURNED,
                debarkation_point="Batam",
                referred_by=ReferredBy.SELF,
                agency_licensed=YesNoUnknown.YES,
            ),
            _sabah("Tawau", WorkSector.PLANTATION, departed=2000, returned=400),
        ),
    ),
    DemoPerson(
        key="melkianus-boimau",
        full_name="Melkianus Boimau",
        sex="M",
        birth_date=date(1983, 4, 30),
        nik_serial=5,
        village="53.01.06.2006",  # Tuapukan, Kupang Timur
        worker="lks-rpk",
        registered_days_ago=390,
        phone="0821 4690 2751",
        marital_status=MaritalStatus.MARRIED,
        education=Education.PRIMARY,
        account=DemoAccount("130", "2011 0203 0451 77", "MELKIANUS BOIMAU", VerificationMethod.PASSBOOK),
        consents=(
            _CASEWORK,
            _ASSISTANCE,
            DemoConsent(
                ConsentPurpose.STATISTICS,
                withdrawn_days_ago=20,
                withdrawal_note="Tidak ingin datanya dipakai untuk statistik.",
            ),
        ),
        stays=(_sabah("Semporna", WorkSector.PLANTATION, departed=1700, returned=410),),
    ),
    DemoPerson(
        key="orpa-selan",
        full_name="Orpa Selan",
        sex="F",
        estimated_age=41,  # knows only her age, and came back without any papers: no NIK yet
        village="53.01.08.2010",  # Oebelo, Kupang Tengah
        worker="lks-rpk",
        registered_days_ago=60,
        phone="0852 5317 4460",
        marital_status=MaritalStatus.MARRIED,
        education=Education.PRIMARY_INCOMPLETE,
        consents=(_CASEWORK,),
        stays=(_sabah("Kota Kinabalu", WorkSector.DOMESTIC, departed=None, returned=70),),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.POSSIBLE,
            acts=(TraffickingAct.TRANSPORT, TraffickingAct.RECEIPT),
            means=(TraffickingMeans.DEBT_BONDAGE,),
            purposes=(TraffickingPurpose.SERVITUDE,),
        ),
    ),
    # Yuliana Benu again, typed at the Dinsos office without her NIK and with her name spelt "Juliana": the
    # duplicate review screen proposes the pair (similar name, same birth date, same regency).
    DemoPerson(
        key="juliana-benu",
        full_name="Juliana Benu",
        sex="F",
        birth_date=date(1985, 1, 14),
        village="53.01.06.1003",
        worker="dinsos-kupang",
        registered_days_ago=3,
        phone="0813 3977 5208",  # her brother's
        phone_label=PhoneLabel.FAMILY,
    ),
    DemoPerson(
        key="adriana-kolo",
        full_name="Adriana Kolo",
        sex="F",
        birth_date=date(1999, 10, 21),
        nik_serial=3,
        village="53.01.08.2012",  # Tanah Merah, Kupang Tengah
        worker="lks-rpk",
        registered_days_ago=370,
        phone="0812 3870 6634",
        marital_status=MaritalStatus.SINGLE,
        education=Education.SENIOR,
        account=DemoAccount("130", "2012 0105 0208 31", "ADRIANA KOLO", VerificationMethod.BANK_INQUIRY),
        consents=(_CASEWORK, _ASSISTANCE, _STATISTICS),
        stays=(
            _sabah(
                "Tawau",
                WorkSector.MANUFACTURING,
                departed=1300,
                returned=390,
                documents=(TravelDocument.PASSPORT, TravelDocument.VISIT_VISA),
                mode=ReturnMode.REPATRIATED,
                referred_by=ReferredBy.MISSION,
                employer="Pabrik pengolahan kelapa sawit, Tawau",
            ),
        ),
    ),
    # --- Kabupaten Indramayu, registered by Dinas Sosial Kabupaten Indramayu and RSBM Tunas Mandiri ------------
    DemoPerson(
        key="casmirah",
        full_name="Casmirah",
        sex="F",
        birth_date=date(1987, 6, 16),
        nik_serial=5,
        village="32.12.04.2013",  # Mundakjaya, Cikedung
        worker="rsbm-tunas-mandiri",
        registered_days_ago=95,
        phone="0819 1204 7735",
        street="Blok Kliwon RT 02/RW 05",
        marital_status=MaritalStatus.DIVORCED,
        education=Education.PRIMARY,
        account=DemoAccount("110", "0087 6543 2100 1", "CASMIRAH", VerificationMethod.PASSBOOK),
        consents=(_CASEWORK, _SHARE_INDRAMAYU, _ASSISTANCE),
        stays=(
            DemoStay(
                country="MY",
                city="Kuala Lumpur",
                work_sector=WorkSector.DOMESTIC,
                departure_route=DepartureRoute.NON_PROCEDURAL,
                documents_held=(TravelDocument.PASSPORT, TravelDocument.VISIT_VISA),
                departed_days_ago=1400,
                returned_days_ago=110,
                return_mode=ReturnMode.REPATRIATED,
                debarkation_point="Tanjung Priok",
                referred_by=ReferredBy.MISSION,
                agency_licensed=YesNoUnknown.NO,
            ),
        ),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.CONFIRMED,
            acts=(TraffickingAct.RECRUITMENT, TraffickingAct.SENDING),
            means=(TraffickingMeans.FRAUD, TraffickingMeans.DEBT_BONDAGE),
            purposes=(TraffickingPurpose.FORCED_LABOUR,),
            recruiter=CtdcRecruiterRelationship.OTHER,
            story=(
                "Sponsor desa menjanjikan kerja resmi; berangkat dengan visa kunjungan. Tujuh bulan gaji dipotong "
                "untuk biaya penempatan, bekerja 18 jam sehari. Dipulangkan oleh KBRI Kuala Lumpur."
            ),
        ),
    ),
    DemoPerson(
        key="wartini",
        full_name="Wartini",
        sex="F",
        birth_date=date(1983, 10, 3),
        nik_serial=2,
        village="32.12.04.2007",  # Cikedung
        worker="dinsos-indramayu",
        registered_days_ago=160,
        phone="0823 1844 0926",
        street="Blok Pahing RT 01/RW 02",
        marital_status=MaritalStatus.MARRIED,
        education=Education.PRIMARY,
        # The passbook adds her father's name ("binti"): still her account.
        account=DemoAccount("002", "3207-01-004512-50-2", "WARTINI BINTI DARSA", VerificationMethod.BANK_LETTER),
        consents=(_CASEWORK, _ASSISTANCE, _STATISTICS),
        stays=(
            DemoStay(
                country="SA",
                city="Riyadh",
                work_sector=WorkSector.DOMESTIC,
                departure_route=DepartureRoute.NON_PROCEDURAL,
                documents_held=(TravelDocument.PASSPORT, TravelDocument.VISIT_VISA),
                departed_days_ago=1800,
                returned_days_ago=170,
                return_mode=ReturnMode.REPATRIATED,
                debarkation_point="Soekarno-Hatta",
                referred_by=ReferredBy.MISSION,
                agency_licensed=YesNoUnknown.NO,
            ),
        ),
    ),
    DemoPerson(
        key="siti-aminah",
        full_name="Siti Aminah",
        sex="F",
        birth_date=date(1996, 2, 8),
        nik_serial=1,
        village="32.12.04.2005",  # Jatisura, Cikedung
        worker="dinsos-indramayu",
        registered_days_ago=4,
        phone="0877 2611 5043",
        marital_status=MaritalStatus.SINGLE,
        education=Education.SENIOR,
        consents=(_CASEWORK,),
        stays=(
            DemoStay(
                country="TW",
                city="Taichung",
                work_sector=WorkSector.MANUFACTURING,
                departure_route=DepartureRoute.PROCEDURAL,
                documents_held=(
                    TravelDocument.PASSPORT,
                    TravelDocument.WORK_VISA,
                    TravelDocument.EMPLOYMENT_CONTRACT,
                    TravelDocument.BP2MI_CARD,
                ),
                departed_days_ago=1000,
                returned_days_ago=35,
                return_mode=ReturnMode.SELF_RETURNED,
                debarkation_point="Soekarno-Hatta",
                referred_by=ReferredBy.FAMILY,
                agency_licensed=YesNoUnknown.YES,
            ),
        ),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.POSSIBLE,
            acts=(TraffickingAct.SENDING,),
            means=(TraffickingMeans.DEBT_BONDAGE,),
            purposes=(TraffickingPurpose.FORCED_LABOUR,),
            recruiter=CtdcRecruiterRelationship.OTHER,
        ),
    ),
    DemoPerson(
        key="tarsono",
        full_name="Tarsono",
        sex="M",
        birth_date=date(1980, 12, 11),
        nik_serial=4,
        village="32.12.04.2003",  # Loyang, Cikedung
        worker="dinsos-indramayu",
        registered_days_ago=300,
        phone="0819 3140 2267",
        marital_status=MaritalStatus.MARRIED,
        education=Education.PRIMARY,
        account=DemoAccount("002", "3207-01-009934-53-6", "TARSONO", VerificationMethod.PASSBOOK),
        consents=(_CASEWORK, _ASSISTANCE),
        stays=(
            DemoStay(
                country="MY",
                city="Johor Bahru",
                work_sector=WorkSector.CONSTRUCTION,
                departure_route=DepartureRoute.NON_PROCEDURAL,
                documents_held=(TravelDocument.NONE,),
                departed_days_ago=1600,
                returned_days_ago=320,
                return_mode=ReturnMode.DEPORTED,
                debarkation_point="Tanjung Pinang",
                referred_by=ReferredBy.BP3MI,
                agency_licensed=YesNoUnknown.NO,
            ),
        ),
        identification=DemoIdentification(outcome=IdentificationOutcome.NOT_TRAFFICKING),
    ),
    DemoPerson(
        key="nur-hayati",
        full_name="Nur Hayati",
        sex="F",
        birth_date=date(1993, 7, 24),
        nik_serial=3,
        village="32.12.21.2011",  # Eretan Wetan, Kandanghaur
        worker="dinsos-indramayu",
        registered_days_ago=120,
        phone="0878 2450 9916",
        marital_status=MaritalStatus.MARRIED,
        education=Education.JUNIOR,
        account=DemoAccount("008", "1340 0198 7654 3", "NURHAYATI", VerificationMethod.BANK_INQUIRY),
        consents=(_CASEWORK, _ASSISTANCE),
        stays=(
            DemoStay(
                country="AE",
                city="Dubai",
                work_sector=WorkSector.DOMESTIC,
                departure_route=DepartureRoute.NON_PROCEDURAL,
                documents_held=(TravelDocument.PASSPORT, TravelDocument.VISIT_VISA),
                departed_days_ago=1200,
                returned_days_ago=140,
                return_mode=ReturnMode.REPATRIATED,
                debarkation_point="Soekarno-Hatta",
                referred_by=ReferredBy.MISSION,
                agency_licensed=YesNoUnknown.NO,
            ),
        ),
        identification=DemoIdentification(
            outcome=IdentificationOutcome.POSSIBLE,
            acts=(TraffickingAct.SENDING, TraffickingAct.TRANSFER),
            means=(TraffickingMeans.FRAUD,),
            purposes=(TraffickingPurpose.FORCED_LABOUR,),
        ),
    ),
    DemoPerson(
        key="karsinah",
        full_name="Karsinah",
        sex="F",
        birth_date=date(1975, 4, 3),
        nik_serial=1,
        village="32.12.04.2004",  # Amis, Cikedung
        worker="rsbm-tunas-mandiri",
        registered_days_ago=200,
        phone="0831 2209 4471",
        marital_status=MaritalStatus.WIDOWED,
        education=Education.PRIMARY,
        account=DemoAccount("110", "0091 2345 6780 2", "KARSINAH", VerificationMethod.PASSBOOK),
        consents=(_CASEWORK, _ASSISTANCE),
        stays=(
            DemoStay(
                country="HK",
                city="Hong Kong",
                work_sector=WorkSector.CARE,
                departure_route=DepartureRoute.PROCEDURAL,
                documents_held=(
                    TravelDocument.PASSPORT,
                    TravelDocument.WORK_VISA,
                    TravelDocument.EMPLOYMENT_CONTRACT,
                    TravelDocument.BP2MI_CARD,
                ),
                departed_days_ago=3000,
                returned_days_ago=600,
                return_mode=ReturnMode.SELF_RETURNED,
                debarkation_point="Soekarno-Hatta",
                referred_by=ReferredBy.SELF,
                agency_licensed=YesNoUnknown.YES,
            ),
        ),
    ),
)

DEMO_PEOPLE_BY_KEY = {spec.key: spec for spec in DEMO_PEOPLE}


# --- Lookups shared with the cases demo -----------------------------------------------------------------------


def demo_user(organisation_slug: str, role: str) -> User | None:
    """The demo user of that organisation and role, if it exists and is active."""
    return User.objects.filter(email=demo_email(organisation_slug, role), is_active=True).first()


def demo_user_holding(organisation_slug: str, role: str, permission: str, region_code: str) -> User | None:
    """The demo user, if they may still take `permission` in `region_code` (an administrator may have changed
    their grants since the demo was loaded): None otherwise, and the demo leaves that part out."""
    user = demo_user(organisation_slug, role)
    if user is None or not covers(user.jurisdiction_codes(permission), region_code):
        return None
    if user.organisation is None or not user.organisation.is_active:  # the services refuse to work for it
        return None
    return user


def demo_organisation(slug: str) -> Organisation | None:
    """The demo organisation, if it is still active (the services refuse to name an inactive one)."""
    spec = next(spec for spec in DEMO_ORGANISATIONS if spec.slug == slug)
    return Organisation.objects.filter(name=spec.name, region_id=spec.region_code, is_active=True).first()


def find_demo_person(spec: DemoPerson) -> Person | None:
    """The registered record of a demo person, found by NIK (or phone) through its blind index; when it was
    merged into another record, that record."""
    nik = spec.nik
    if nik:
        person = Person.objects.filter_exact(nik=nik).first()
    else:
        holders = Phone.objects.filter_exact(number=spec.phone).values("person_id")
        person = Person.objects.filter(pk__in=holders).order_by("pk").first()
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into
    return person


def _home(village: str) -> str | None:
    """The village if the regions are loaded, else the nearest place above it that is (the test suite has only a
    few villages); None when not even the regency is there."""
    code = village
    while code.count(".") >= 1:
        if Region.objects.filter(pk=code).exists():
            return code
        code = code.rsplit(".", 1)[0]
    return None


# --- Loading --------------------------------------------------------------------------------------------------

# The request id of every history entry the demo writes: an auditor finds them all under it.
DEMO_REQUEST_ID = "load-demo"


@contextmanager
def demo_history() -> Iterator[None]:
    """History entries written inside get DEMO_REQUEST_ID; a management command has no request id of its own."""
    token = correlation_id.set(DEMO_REQUEST_ID)
    try:
        yield
    finally:
        correlation_id.reset(token)


def _register(spec: DemoPerson, actor: User, region_code: str, today: date) -> Person:
    def ago(days: int) -> date:
        return today - timedelta(days=days)

    registered_on = ago(spec.registered_days_ago)
    account = None
    # History names the demo user as the author, as a request would. auditlog's set_actor does not nest: one
    # block per user, one after the other.
    with set_actor(actor):
        person = person_create(
            actor=actor,
            person=Person(
                full_name=spec.full_name,
                sex=spec.sex,
                birth_date=spec.birth_date,
                nik=spec.nik,
                region_id=region_code,
                street=spec.street,
                marital_status=spec.marital_status,
                education=spec.education,
                registered_on=registered_on,
            ),
            estimated_age=spec.estimated_age,
        )
        phone_save(
            actor=actor,
            phone=Phone(person=person, number=spec.phone, label=spec.phone_label, is_whatsapp=True),
        )
        for stay in spec.stays:
            migration_stay_create(
                actor=actor,
                person=person,
                country=stay.country,
                city=stay.city,
                work_sector=stay.work_sector,
                employer=stay.employer,
                recruiting_agency=stay.recruiting_agency,
                agency_licensed=stay.agency_licensed,
                departure_route=stay.departure_route,
                documents_held=list(stay.documents_held),
                departed_on=ago(stay.departed_days_ago) if stay.departed_days_ago is not None else None,
                returned_on=ago(stay.returned_days_ago),
                return_mode=stay.return_mode,
                debarkation_point=stay.debarkation_point,
                referred_by=stay.referred_by,
            )
        if spec.document is not None:
            kind, number, issuer = spec.document
            returned = ago(spec.stays[-1].returned_days_ago) if spec.stays else registered_on
            document_save(
                actor=actor,
                document=IdentityDocument(
                    person=person,
                    kind=kind,
                    number=number,
                    issuer=issuer,
                    issued_on=returned - timedelta(days=12),
                    expires_on=returned + timedelta(days=30),
                ),
            )
        for consent in spec.consents:
            _consent(consent, person=person, actor=actor, signed_on=registered_on, today=today)
        if spec.account is not None:
            account = _account(spec.account, person=person, actor=actor)
        if spec.identification is not None:
            _identification(spec, person=person, actor=actor, identified_on=registered_on, today=today)
    if account is not None and spec.account is not None and spec.account.verified_by:
        # Verified by the regency's finance officer, who pays into it; left unverified if there is none.
        verifier = demo_user_holding(
            REGENCY_OFFICE[spec.regency], Role.FINANCE_OFFICER, VERIFY_BANK_ACCOUNT, person.region_id
        )
        if verifier is not None:
            with set_actor(verifier):
                bank_account_verify(actor=verifier, account=account, method=spec.account.verified_by)
    return person


def _consent(consent: DemoConsent, *, person: Person, actor: User, signed_on: date, today: date) -> None:
    organisations = [demo_organisation(slug) for slug in consent.shared_with]
    named = [organisation for organisation in organisations if organisation is not None]
    if consent.shared_with and not named:
        return  # every organisation it names was deactivated since: a consent naming nobody would mean nothing
    recorded = consent_record(
        actor=actor,
        person=person,
        purpose=consent.purpose,
        signed_on=signed_on,
        signed_by=ConsentSigner.GUARDIAN if consent.guardian else ConsentSigner.PERSON,
        guardian_name=consent.guardian[0] if consent.guardian else "",
        guardian_relationship=consent.guardian[1] if consent.guardian else "",
        shared_with=named,
        shared_with_any=consent.shared_with_any,
    )
    if consent.withdrawn_days_ago is not None:
        withdrawn_on = max(signed_on, today - timedelta(days=consent.withdrawn_days_ago))
        consent_withdraw(actor=actor, consent=recorded, withdrawn_on=withdrawn_on, note=consent.withdrawal_note)


def _account(spec: DemoAccount, *, person: Person, actor: User) -> BankAccount | None:
    bank = Bank.objects.filter(pk=spec.bank_code, is_active=True).first()
    if bank is None:
        return None
    return bank_account_create(
        actor=actor, person=person, bank=bank, account_number=spec.number, holder_name=spec.holder
    )


def _identification(spec: DemoPerson, *, person: Person, actor: User, identified_on: date, today: date) -> None:
    found = spec.identification
    assert found is not None
    outcome = found.outcome
    confirmed_by = (
        demo_organisation(REGENCY_OFFICE[spec.regency]) if outcome == IdentificationOutcome.CONFIRMED else None
    )
    if outcome == IdentificationOutcome.CONFIRMED and confirmed_by is None:
        outcome = IdentificationOutcome.POSSIBLE  # the Dinas Sosial that confirms it was deactivated
    confirmed = confirmed_by is not None
    identification_create(
        actor=actor,
        person=person,
        outcome=outcome,
        identified_on=identified_on,
        acts=found.acts,
        means=found.means,
        purposes=found.purposes,
        recruiter_relationship=found.recruiter,
        confirmed_by=confirmed_by,
        confirmed_on=min(today, identified_on + timedelta(days=5)) if confirmed else None,
        account=found.story,
    )


@dataclass
class _Tally:
    new: int = 0
    existing: int = 0
    skipped: list[str] = field(default_factory=list)


def load_demo_people() -> list[str]:
    """Registers the demo people who are not there yet, earliest registration first. Returns the lines
    `load_demo` prints."""
    today = timezone.localdate()
    tally = _Tally()
    with demo_history():
        for spec in sorted(DEMO_PEOPLE, key=lambda spec: -spec.registered_days_ago):
            if find_demo_person(spec) is not None:
                tally.existing += 1
                continue
            region_code = _home(spec.village)
            actor = demo_user_holding(spec.worker, Role.CASE_WORKER, "registry.add_person", region_code or spec.village)
            if region_code is None or actor is None:
                tally.skipped.append(spec.full_name)
                continue
            _register(spec, actor, region_code, today)
            tally.new += 1
    lines = [f"{tally.new + tally.existing} demo people ({tally.new} new)"]
    if tally.skipped:
        lines.append(
            f"{len(tally.skipped)} demo people left out (regions not loaded, or their demo case worker is missing, "
            f"inactive or without a grant there): {', '.join(tally.skipped)}"
        )
    return lines
