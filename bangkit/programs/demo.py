"""Demo programs and events: the two seed events (DOMAIN.md, "The two events in the seeds") and Indramayu's 2017
rehabilitation cohort, with the module catalogue they draw on.

- Kupang, Wednesday 13 November 2019: Bimsos for 250 former WNI-M KPO of Kabupaten Kupang at Gereja GMIT Bethesda
  Tarus, organised by Direktorat RSTS & KPO with LKS Rumah Perempuan Kupang, Dinsos Provinsi NTT and Dinsos
  Kabupaten Kupang.
- Indramayu, Monday–Tuesday 9–10 April 2018: UEP training (modern-flavoured cookies, before Ramadan) for 20
  trafficking survivors of Kecamatan Cikedung at RSBM Tunas Mandiri, Desa Mundakjaya.
- Indramayu 2017: the seed article's "70 people rehabilitated in 2017" as one event at the same RSBM. The article
  gives only the number, so its dates and modules are ours. "Keseluruhan ... baru 90 orang": the 2018 trainees are
  20 further people, not the 2017 cohort again, so that 70 + 20 = 90 distinct people come out of the data.

The participants are generated (`bench.population`: Indonesian names, NIKs of their district, birth date and sex,
real villages) with a fixed seed, the same on every machine and day. Everything goes through the services acting
as the demo user who would have done it: the program officer plans, the case worker registers, enrols and copies
the paper attendance list, the Dinas Sosial supervisor issues the certificates on the last day. Where assistance
follows the event (`bangkit.assistance.demo`), the case worker also records at registration each participant's
consent to receive it and, for a cash stimulus, their own bank account, which the regency's finance officer
verifies from the passbook.

Loading again adds nothing: a program or an event already there is left alone, whatever a demo user did to it
since; a generated person already registered (found by NIK) is not registered again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from auditlog.context import set_actor

from bangkit.accounts.demo import DEMO_ORGANISATIONS
from bangkit.accounts.models import Organisation, User
from bangkit.accounts.roles import ISSUE_CERTIFICATE, VERIFY_BANK_ACCOUNT, Role
from bangkit.core.fields import blind_index_field
from bangkit.core.scoping import covers
from bangkit.programs import services
from bangkit.programs.choices import AttendanceStatus, EventKind, FacilitatorRole, PartnerRole
from bangkit.programs.models import Event, Module, Program
from bangkit.regions.models import Region
from bangkit.registry.choices import ConsentPurpose, VerificationMethod
from bangkit.registry.demo import REGENCY_OFFICE, demo_history, demo_organisation, demo_user, demo_user_holding
from bangkit.registry.models import Bank, BankAccount, Person
from bangkit.registry.services.bank_accounts import bank_account_create, bank_account_verify
from bangkit.registry.services.consents import consent_record
from bangkit.registry.services.people import person_create

if TYPE_CHECKING:
    from bench.population import SyntheticPerson


@dataclass(frozen=True)
class DemoModule:
    name: str
    default_hours: Decimal
    description: str


MODULES: tuple[DemoModule, ...] = (
    DemoModule("Pembuatan kue", Decimal("2.0"), "Praktik membuat kue basah untuk dijual di pasar dan hajatan."),
    DemoModule(
        "Pengolahan pangan", Decimal("2.0"), "Praktik mengolah hasil kebun dan laut setempat menjadi makanan jual."
    ),
    DemoModule(
        "Memulai usaha",
        Decimal("1.5"),
        "Strategi memulai usaha kecil: modal awal, pembukuan sederhana, pemasok, mengelola bantuan stimulan.",
    ),
    DemoModule(
        "Strategi pemasaran", Decimal("1.5"), "Menentukan harga, tempat dan cara menjual, termasuk lewat ponsel."
    ),
    DemoModule(
        "Kue kering kekinian",
        Decimal("5.0"),
        "Kue kering bercita rasa kekinian, untuk dijual menjelang Ramadan dan Idul Fitri.",
    ),
    DemoModule(
        "Literasi keuangan",
        Decimal("2.0"),
        "Mengatur uang keluarga, menabung di bank, menghindari jerat utang dan rentenir.",
    ),
    DemoModule(
        "Migrasi aman",
        Decimal("2.0"),
        "Bekerja ke luar negeri lewat jalur resmi: dokumen, perusahaan penempatan berizin, hak pekerja, tempat "
        "meminta tolong.",
    ),
)


@dataclass(frozen=True)
class DemoProgram:
    name: str
    year: int
    # Slug of a demo organisation, which organises the program's events; its program officer plans them.
    organisation: str
    region: str
    objectives: str
    target_people: int
    budget: int
    partners: tuple[tuple[str, str], ...] = ()  # (organisation slug, PartnerRole)


@dataclass(frozen=True)
class DemoTaught:
    module: str
    day: int  # 0: the first day of the event
    hours: Decimal | None = None  # None: the module's usual hours


@dataclass(frozen=True)
class DemoCohort:
    """The generated participants: `count` people living under `region`, of the age they were at the event."""

    region: str
    count: int
    seed: int
    registered_by: str  # slug of the organisation whose case worker registers, enrols and takes attendance
    # Each participant's own bank account, for a cash stimulus paid into it: (Bank Indonesia code, share) of the
    # banks they hold them at. None: no account is recorded.
    banks: tuple[tuple[str, int], ...] = ()
    # Each participant signs, when registered, a consent to receive assistance (a stimulus or a starter kit).
    assistance_consent: bool = False

    def people(self, on: date) -> list[SyntheticPerson]:
        # The generator belongs to the benchmarks, which are not deployed: imported only when the demo is loaded.
        from bench.population import generate_people

        return list(generate_people(self.count, seed=self.seed, region_prefix=self.region, today=on))


@dataclass(frozen=True)
class DemoEvent:
    label: str  # how the lines of `load_demo` name it
    program: DemoProgram
    kind: str
    title: str
    venue_name: str
    village: str
    start: date
    end: date
    daily_start: time
    daily_end: time
    participant_region: str
    cohort: DemoCohort
    certified_by: str  # slug of the Dinas Sosial whose supervisor issues the certificates
    partners: tuple[tuple[str, str], ...] = ()  # (organisation slug, PartnerRole)
    facilitators: tuple[tuple[str, str, str], ...] = ()  # (name, FacilitatorRole, organisation slug)
    modules: tuple[DemoTaught, ...] = ()
    # What the paper list says otherwise than "present": (day, participant's place in the cohort) → status.
    marks: tuple[tuple[int, int, str], ...] = ()

    def status(self, day: int, number: int) -> str:
        return next(
            (status for on, at, status in self.marks if (on, at) == (day, number)),
            AttendanceStatus.PRESENT,
        )


_KUPANG_PARTNERS = (
    ("lks-rpk", PartnerRole.CO_ORGANISER),
    ("dinsos-ntt", PartnerRole.CO_ORGANISER),
    ("dinsos-kupang", PartnerRole.CO_ORGANISER),
)

KUPANG_2019 = DemoEvent(
    label="Kupang 2019",
    program=DemoProgram(
        name="Bimbingan Sosial dan Bantuan Stimulan WNI-M KPO 2019, NTT",
        year=2019,
        organisation="rsts",
        region="53",
        objectives=(
            "Mencegah mantan WNI Migran Korban Perdagangan Orang kembali menjadi korban (retrafficking) setelah "
            "pulang ke daerah asal: pengetahuan dan keterampilan untuk berfungsi sosial di masyarakat, dan rintisan "
            "usaha dengan bantuan stimulan Rp 900.000 per orang yang dikirim ke rekening masing-masing."
        ),
        target_people=250,
        budget=225_000_000,
        partners=_KUPANG_PARTNERS,
    ),
    kind=EventKind.SOCIAL_GUIDANCE,
    title="Bimbingan Sosial dan Bantuan Stimulan bagi Mantan WNI-M KPO Kabupaten Kupang",
    venue_name="Gereja GMIT Bethesda Tarus",
    village="53.01.08.1007",  # Kelurahan Tarus, Kupang Tengah
    start=date(2019, 11, 13),
    end=date(2019, 11, 13),
    daily_start=time(8, 0),
    daily_end=time(16, 0),
    participant_region="53.01",
    # Paid to their own accounts: most at Bank NTT, the regional bank, the others at BRI.
    cohort=DemoCohort(
        region="53.01",
        count=250,
        seed=2019,
        registered_by="lks-rpk",
        banks=(("130", 7), ("002", 3)),
        assistance_consent=True,
    ),
    certified_by="dinsos-kupang",
    partners=_KUPANG_PARTNERS,
    facilitators=(
        ("Waskito Budi Kusumo", FacilitatorRole.SPEAKER, "rsts"),
        ("Libby Ratuarat-Sinlaeloe", FacilitatorRole.SPEAKER, "lks-rpk"),
    ),
    modules=(
        DemoTaught("Pembuatan kue", 0),
        DemoTaught("Pengolahan pangan", 0),
        DemoTaught("Memulai usaha", 0),
        DemoTaught("Strategi pemasaran", 0),
    ),
    # The article counts 250 who took part: nobody absent, a few came late from the far villages.
    marks=tuple((0, number, AttendanceStatus.LATE) for number in (17, 58, 103, 144, 190, 231)),
)

_INDRAMAYU_OBJECTIVES = (
    "Rehabilitasi sosial korban trafficking oleh Bidang Rehabilitasi Sosial: bimbingan sosial dan pelatihan usaha "
    "ekonomi produktif (UEP) agar mereka bangkit dan punya sumber penghasilan untuk menghidupi keluarga."
)

INDRAMAYU_2017 = DemoEvent(
    label="Indramayu 2017",
    program=DemoProgram(
        name="Rehabilitasi Sosial Korban Trafficking 2017, Kabupaten Indramayu",
        year=2017,
        organisation="dinsos-indramayu",
        region="32.12",
        objectives=_INDRAMAYU_OBJECTIVES,
        target_people=70,
        budget=0,
    ),
    kind=EventKind.SOCIAL_GUIDANCE,
    title="Bimbingan Sosial dan Rehabilitasi Korban Trafficking 2017",
    venue_name="RSBM Tunas Mandiri",
    village="32.12.04.2013",  # Desa Mundakjaya, Cikedung
    start=date(2017, 10, 17),
    end=date(2017, 10, 18),
    daily_start=time(8, 0),
    daily_end=time(15, 0),
    participant_region="32.12",
    cohort=DemoCohort(region="32.12", count=70, seed=2017, registered_by="dinsos-indramayu"),
    certified_by="dinsos-indramayu",
    partners=(("rsbm-tunas-mandiri", PartnerRole.VENUE),),
    modules=(
        DemoTaught("Migrasi aman", 0, Decimal("3.0")),
        DemoTaught("Literasi keuangan", 0),
        DemoTaught("Memulai usaha", 1, Decimal("2.0")),
        DemoTaught("Pengolahan pangan", 1, Decimal("3.0")),
    ),
    # Two missed the second day (no certificate: half the hours), one came late.
    marks=(
        (1, 12, AttendanceStatus.ABSENT),
        (1, 45, AttendanceStatus.ABSENT),
        (1, 30, AttendanceStatus.LATE),
    ),
)

INDRAMAYU_2018 = DemoEvent(
    label="Indramayu 2018",
    program=DemoProgram(
        name="Rehabilitasi Sosial Korban Trafficking 2018, Kabupaten Indramayu",
        year=2018,
        organisation="dinsos-indramayu",
        region="32.12",
        objectives=_INDRAMAYU_OBJECTIVES,
        target_people=20,
        budget=0,
    ),
    kind=EventKind.SKILLS_TRAINING,
    title="Pelatihan Keterampilan UEP Kue Kering Kekinian bagi Korban Trafficking",
    venue_name="RSBM Tunas Mandiri",
    village="32.12.04.2013",  # Desa Mundakjaya, Cikedung
    start=date(2018, 4, 9),
    end=date(2018, 4, 10),
    daily_start=time(8, 0),
    daily_end=time(15, 0),
    participant_region="32.12.04",
    # Given starter equipment at the end of the training: a consent, no account.
    cohort=DemoCohort(
        region="32.12.04", count=20, seed=2018, registered_by="rsbm-tunas-mandiri", assistance_consent=True
    ),
    certified_by="dinsos-indramayu",
    partners=(("rsbm-tunas-mandiri", PartnerRole.VENUE),),
    facilitators=(("Atu Ika Putri", FacilitatorRole.SPEAKER, "dinsos-indramayu"),),
    modules=(DemoTaught("Kue kering kekinian", 0), DemoTaught("Kue kering kekinian", 1)),
    marks=((0, 7, AttendanceStatus.LATE),),
)

DEMO_EVENTS: tuple[DemoEvent, ...] = (INDRAMAYU_2017, INDRAMAYU_2018, KUPANG_2019)


# --- Lookups --------------------------------------------------------------------------------------------------


def find_demo_program(spec: DemoProgram) -> Program | None:
    return Program.objects.filter(
        organisation__name=_organisation_name(spec.organisation), year=spec.year, name=spec.name
    ).first()


def find_demo_event(spec: DemoEvent) -> Event | None:
    return Event.objects.filter(
        program__name=spec.program.name, program__year=spec.program.year, title=spec.title, start_date=spec.start
    ).first()


def _organisation_name(slug: str) -> str:
    return next(spec.name for spec in DEMO_ORGANISATIONS if spec.slug == slug)


def registered_participants(generated: list[SyntheticPerson]) -> dict[str, Person]:
    """The generated people already registered, by NIK, in one query through the blind index; a record that was
    merged into another stands for that one."""
    index = blind_index_field(Person, "nik")
    niks = {candidate: synthetic.nik for synthetic in generated for candidate in index.candidates_for(synthetic.nik)}
    found: dict[str, Person] = {}
    for person in Person.objects.filter(**{f"{index.name}__in": list(niks)}):
        nik = niks[getattr(person, index.attname)]
        while person.merged_into is not None:
            person = person.merged_into
        found[nik] = person
    return found


# --- Loading --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cast:
    """The demo users who work an event, each still holding what their step needs."""

    organiser: Organisation
    planner: User
    worker: User
    certifier: User


def _cast(spec: DemoEvent) -> _Cast | None:
    planner = demo_user_holding(spec.program.organisation, Role.PROGRAM_OFFICER, "programs.add_event", spec.village)
    worker = demo_user_holding(spec.cohort.registered_by, Role.CASE_WORKER, "programs.add_attendance", spec.village)
    certifier = demo_user_holding(spec.certified_by, Role.SUPERVISOR, ISSUE_CERTIFICATE, spec.village)
    organiser = demo_organisation(spec.program.organisation)
    if organiser is None or planner is None or worker is None or certifier is None:
        return None
    if not covers(worker.jurisdiction_codes("registry.add_person"), spec.cohort.region):
        return None
    return _Cast(organiser=organiser, planner=planner, worker=worker, certifier=certifier)


def _verifier(spec: DemoEvent) -> User | None:
    """The finance officer of the participants' regency, who verifies the accounts a stimulus is paid into."""
    office = REGENCY_OFFICE.get(".".join(spec.cohort.region.split(".")[:2]))
    if office is None:
        return None
    return demo_user_holding(office, Role.FINANCE_OFFICER, VERIFY_BANK_ACCOUNT, spec.cohort.region)


def _load_modules() -> list[str]:
    """Adds the catalogue's missing modules, as the Directorate's program officer. There is no service for the
    catalogue: it is national reference data, checked by the model alone."""
    have = set(Module.objects.filter(name__in=[spec.name for spec in MODULES]).values_list("name", flat=True))
    missing = [spec for spec in MODULES if spec.name not in have]
    # Modules are placed nowhere: holding the permission anywhere is holding it on the whole catalogue.
    keeper = demo_user("rsts", Role.PROGRAM_OFFICER)
    if missing and (keeper is None or not keeper.jurisdiction_codes("programs.add_module")):
        return [f"{len(missing)} demo modules left out (the Directorate's demo program officer is missing)"]
    with set_actor(keeper):
        for spec in missing:
            module = Module(name=spec.name, default_hours=spec.default_hours, description=spec.description)
            module.full_clean()
            module.save()
    return [f"{len(MODULES)} demo modules ({len(missing)} new)"]


def _plan(spec: DemoEvent, cast: _Cast) -> Event:
    planner, organiser = cast.planner, cast.organiser
    organisations = {slug: demo_organisation(slug) for slug, _role in (*spec.program.partners, *spec.partners)}
    program = find_demo_program(spec.program)
    with set_actor(planner):
        if program is None:
            program = services.program_save(
                actor=planner,
                name=spec.program.name,
                year=spec.program.year,
                organisation=organiser,
                region=Region.objects.get(pk=spec.program.region),
                objectives=spec.program.objectives,
                target_people=spec.program.target_people,
                budget=spec.program.budget,
            )
            for slug, role in spec.program.partners:
                if (partner := organisations[slug]) is not None:
                    services.program_partner_add(actor=planner, program=program, organisation=partner, role=role)
        event = services.event_save(
            actor=planner,
            program=program,
            kind=spec.kind,
            title=spec.title,
            venue_name=spec.venue_name,
            region=Region.objects.get(pk=spec.village),
            start_date=spec.start,
            end_date=spec.end,
            daily_start=spec.daily_start,
            daily_end=spec.daily_end,
            organiser=organiser,
            capacity=spec.cohort.count,
            participant_region=Region.objects.get(pk=spec.participant_region),
        )
        for slug, role in spec.partners:
            if (partner := organisations[slug]) is not None:
                services.event_partner_add(actor=planner, event=event, organisation=partner, role=role)
        for name, role, slug in spec.facilitators:
            services.event_facilitator_add(
                actor=planner, event=event, name=name, role=role, organisation=demo_organisation(slug)
            )
        sessions = list(event.sessions.order_by("date", "starts_at"))
        modules = {module.name: module for module in Module.objects.filter(name__in={t.module for t in spec.modules})}
        for taught in spec.modules:
            if (module := modules.get(taught.module)) is not None and module.is_active:
                services.event_module_add(
                    actor=planner, event=event, module=module, session=sessions[taught.day], hours=taught.hours
                )
    return event


def demo_account(cohort: DemoCohort, number: int, holder: str) -> tuple[str, str, str]:
    """(bank code, account number, holder name) of the own account of the cohort's `number`th participant: drawn
    from the cohort's seed, the same on every machine, in the layout of that bank's passbooks."""
    rng = random.Random(f"{cohort.seed}-account-{number}")
    codes, shares = zip(*cohort.banks, strict=True)
    code = rng.choices(codes, weights=shares)[0]
    branch, serial, tail = rng.randint(1000, 9999), rng.randint(0, 999_999), rng.randint(10, 99)
    if code == "002":  # BRI: branch, product, serial, check digits
        account = f"{branch}-01-{serial:06d}-{tail}-{rng.randint(0, 9)}"
    else:  # Bank NTT and the others: 14 digits in groups of four
        account = f"20{branch % 100:02d} {serial // 100:04d} {rng.randint(0, 9999):04d} {tail}"
    return code, account, holder.upper()


def _register(
    spec: DemoEvent, generated: list[SyntheticPerson], worker: User
) -> tuple[list[Person], int, list[BankAccount]]:
    """The participants' records, registered by the case worker in the weeks before the event unless already
    there, with their consent to assistance and their own account where the cohort has them; returns them, how many
    were new and the accounts recorded (unverified)."""
    registered = registered_participants(generated)
    banks = {bank.pk: bank for bank in Bank.objects.filter(pk__in=[code for code, _share in spec.cohort.banks])}
    people: list[Person] = []
    accounts: list[BankAccount] = []
    new = 0
    for number, synthetic in enumerate(generated):
        person = registered.get(synthetic.nik)
        if person is None:
            registered_on = spec.start - timedelta(days=10 + number % 50)
            person = person_create(
                actor=worker,
                person=Person(
                    full_name=synthetic.full_name,
                    sex=synthetic.sex,
                    birth_date=synthetic.birth_date,
                    nik=synthetic.nik,
                    kk_number=synthetic.kk,
                    region_id=synthetic.village_code,
                    marital_status=synthetic.marital_status,
                    registered_on=registered_on,
                ),
            )
            new += 1
            if spec.cohort.assistance_consent:
                consent_record(actor=worker, person=person, purpose=ConsentPurpose.ASSISTANCE, signed_on=registered_on)
            if spec.cohort.banks:
                code, account_number, holder = demo_account(spec.cohort, number, synthetic.full_name)
                if (bank := banks.get(code)) is not None and bank.is_active:
                    accounts.append(
                        bank_account_create(
                            actor=worker, person=person, bank=bank, account_number=account_number, holder_name=holder
                        )
                    )
        people.append(person)
    return people, new, accounts


def _take_part(spec: DemoEvent, event: Event, people: list[Person], worker: User) -> int:
    """Enrols the participants and copies the paper attendance list of each day; returns how many were enrolled."""
    result = services.enrol_people(actor=worker, event=event, people=people)
    enrolment_of = {enrolment.person_id: enrolment for enrolment in result.enrolled}
    for day, session in enumerate(event.sessions.order_by("date", "starts_at")):
        marks = {
            enrolment_of[person.pk].pk: spec.status(day, number)
            for number, person in enumerate(people)
            if person.pk in enrolment_of
        }
        services.attendance_from_paper(actor=worker, session=session, marks=marks, absent_if_unmarked=False)
    return len(result.enrolled)


def load_demo_event(spec: DemoEvent) -> str:
    if find_demo_event(spec) is not None:
        return f"{spec.label}: already there"
    generated = spec.cohort.people(spec.start)
    places = {spec.village, spec.participant_region, *(synthetic.village_code for synthetic in generated)}
    missing = len(places - set(Region.objects.filter(pk__in=places).values_list("pk", flat=True)))
    if missing:
        return f"{spec.label}: left out ({missing} of its places are not loaded: run load_regions)"
    cast = _cast(spec)
    if cast is None:
        return f"{spec.label}: left out (a demo user who works it is missing, inactive or without a grant there)"
    event = _plan(spec, cast)
    with set_actor(cast.worker):
        people, new, accounts = _register(spec, generated, cast.worker)
        enrolled = _take_part(spec, event, people, cast.worker)
    verifier = _verifier(spec)
    if accounts and verifier is not None:  # else left unverified, for a finance officer to check
        with set_actor(verifier):
            for account in accounts:
                bank_account_verify(actor=verifier, account=account, method=VerificationMethod.PASSBOOK)
    with set_actor(cast.certifier):
        certified = services.certificates_issue(actor=cast.certifier, event=event, on=spec.end)
    return (
        f"{spec.label}: {spec.title} on {spec.start:%d-%m-%Y} at {spec.venue_name}, {enrolled} participants "
        f"({new} newly registered), {len(certified)} certificates"
    )


def load_demo_programs() -> list[str]:
    """Adds the module catalogue and the demo events that are not there yet. Returns the lines `load_demo`
    prints."""
    with demo_history():
        lines = _load_modules()
        lines += [load_demo_event(spec) for spec in DEMO_EVENTS]
    return lines
