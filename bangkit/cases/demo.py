"""Demo cases for some of the demo people (`bangkit.registry.demo`), one in each stage of the workflow.

Each case is taken through the case services step by step, acting as the demo case worker of the organisation that
runs it and, for the steps that need approval, as the demo supervisor of the regency's Dinas Sosial: the timeline,
approvals, tasks and history read as if the case had been worked. A demo person who already has a case is left
alone, so loading again adds nothing. Dates are counted back from the day of loading; the timeline shows when the
demo was loaded, as it records when each step was taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from auditlog.context import set_actor
from django.utils import timezone

from bangkit.accounts.models import User
from bangkit.accounts.roles import APPROVE_CASE, Role
from bangkit.cases.choices import (
    ApprovalKind,
    AtensiComponent,
    CaseCategory,
    CaseState,
    FamilySituation,
    PlanLineStatus,
    Priority,
    ReferralService,
    ReferralStatus,
    RiskFactor,
    ServiceKind,
    Severity,
)
from bangkit.cases.models import Case, PlanLine
from bangkit.cases.screening import QUESTION_COUNT
from bangkit.cases.services.care import (
    Checked,
    assessment_record,
    note_add,
    plan_line_add,
    plan_line_update,
    referral_create,
    referral_respond,
    service_record,
    task_create,
)
from bangkit.cases.services.cases import (
    approval_decide,
    case_open,
    case_submit_for_approval,
    case_transition,
    home_regency_code,
)
from bangkit.registry.choices import ReferredBy
from bangkit.registry.demo import (
    DEMO_PEOPLE_BY_KEY,
    REGENCY_OFFICE,
    demo_history,
    demo_organisation,
    demo_user_holding,
    find_demo_person,
)
from bangkit.registry.models import Person

# How far the demo takes a case; PLAN_SUBMITTED is the intervention plan waiting for the supervisor.
PLAN_SUBMITTED = "plan_submitted"
STAGES = (
    CaseState.REFERRAL_RECEIVED,
    CaseState.ASSESSMENT,
    PLAN_SUBMITTED,
    CaseState.INTERVENTION,
    CaseState.MONITORING,
    CaseState.TERMINATED,
)


@dataclass(frozen=True)
class DemoAssessment:
    after_days: int  # after the case was opened
    needs: dict[str, str]  # ATENSI component → note, for those needed
    risks: dict[str, str]  # risk factor → note, for those present
    srq20_yes: tuple[int, ...] | None = None  # question numbers answered "yes"; None: not administered
    stress: str = Severity.NONE
    depression: str = Severity.NONE
    isolation: str = Severity.NONE
    family_situation: str = FamilySituation.SUPPORTIVE
    debt_amount: int | None = None
    debt_note: str = ""
    summary: str = ""


@dataclass(frozen=True)
class DemoPlanLine:
    component: str
    description: str
    responsible: str | None  # organisation slug
    due_in_days: int  # from the day of loading
    status: str = PlanLineStatus.PLANNED  # where the line stands once the demo case reaches its stage


@dataclass(frozen=True)
class DemoService:
    kind: str
    component: str
    after_days: int
    plan_line: int | None = None  # index into the case's plan
    provider: str | None = None  # organisation slug; None: the case worker's organisation


@dataclass(frozen=True)
class DemoReferral:
    service: str
    to_name: str
    reason: str
    after_days: int
    response: str = ""  # a ReferralStatus the destination answered, a week later
    outcome: str = ""


@dataclass(frozen=True)
class DemoCase:
    person: str  # a key of DEMO_PEOPLE_BY_KEY
    worker: str  # organisation slug of the case worker who opens and works the case
    stage: str  # one of STAGES
    category: str
    referral_source: str
    opened_days_ago: int
    priority: str = Priority.NORMAL
    note: str = ""
    task: tuple[str, int] | None = None  # (title, due in days)
    assessment: DemoAssessment | None = None
    plan: tuple[DemoPlanLine, ...] = ()
    services: tuple[DemoService, ...] = ()
    referral: DemoReferral | None = None
    termination_note: str = ""

    def reaches(self, stage: str) -> bool:
        return STAGES.index(self.stage) >= STAGES.index(stage)


_COUNSELLING = DemoPlanLine(
    AtensiComponent.THERAPY, "Konseling psikososial dua mingguan", "lks-rpk", 60, PlanLineStatus.IN_PROGRESS
)

DEMO_CASES: tuple[DemoCase, ...] = (
    # --- Kabupaten Kupang: LKS Rumah Perempuan Kupang, supervised by Dinsos Kabupaten Kupang ----------------------
    DemoCase(
        person="yuliana-benu",
        worker="lks-rpk",
        stage=CaseState.REFERRAL_RECEIVED,
        category=CaseCategory.TRAFFICKING_VICTIM,
        referral_source=ReferredBy.DINSOS,
        opened_days_ago=5,
        note="Dirujuk Dinsos setelah pemulangan lewat Nunukan. Tinggal bersama kakaknya; belum punya rekening bank.",
        task=("Kunjungan rumah untuk asesmen awal", 3),
    ),
    DemoCase(
        person="marselina-tanaem",
        worker="lks-rpk",
        stage=CaseState.ASSESSMENT,
        category=CaseCategory.TRAFFICKING_VICTIM,
        referral_source=ReferredBy.POLICE,
        opened_days_ago=12,
        priority=Priority.URGENT,
        assessment=DemoAssessment(
            after_days=2,
            needs={
                AtensiComponent.SOCIAL_CARE: "Pendampingan harian oleh ibu; kunjungan pendamping tiap minggu.",
                AtensiComponent.THERAPY: "Konseling trauma untuk anak.",
                AtensiComponent.FAMILY_SUPPORT: "Penguatan pengasuhan bagi orang tua.",
                AtensiComponent.ACCESSIBILITY: "Kembali ke sekolah (kelas IX SMP).",
            },
            risks={
                RiskFactor.NO_HELP_INFORMATION: "Keluarga tidak tahu harus melapor ke mana.",
                RiskFactor.SHAME: "Malu kembali ke sekolah.",
            },
            stress=Severity.MODERATE,
            isolation=Severity.MILD,
            summary="Anak korban perdagangan orang dalam negeri; prioritas kembali sekolah dan pemulihan trauma.",
        ),
    ),
    DemoCase(
        person="dorkas-nomleni",
        worker="lks-rpk",
        stage=CaseState.ASSESSMENT,
        category=CaseCategory.MIGRANT_IN_TROUBLE,
        referral_source=ReferredBy.BP3MI,
        opened_days_ago=20,
        assessment=DemoAssessment(
            after_days=4,
            # Eight "yes": above the SRQ-20 cut-off, so the case worker gets a task to refer her.
            srq20_yes=(1, 3, 4, 5, 9, 11, 15, 18),
            needs={
                AtensiComponent.THERAPY: "Rujuk ke puskesmas untuk layanan kesehatan jiwa.",
                AtensiComponent.VOCATIONAL: "Ingin belajar menjahit.",
                AtensiComponent.SOCIAL_ASSISTANCE: "Bantuan stimulan usaha setelah pelatihan.",
            },
            risks={
                RiskFactor.RETURNED_WITHOUT_RESULTS: "Pulang tanpa membawa hasil.",
                RiskFactor.DEBT_TRAP: "Utang ongkos berangkat kepada calo.",
                RiskFactor.NON_PROCEDURAL_REMIGRATION: "Ditawari berangkat lagi ke Sabah lewat jalur yang sama.",
            },
            stress=Severity.SEVERE,
            depression=Severity.MODERATE,
            isolation=Severity.MODERATE,
            family_situation=FamilySituation.STRAINED,
            debt_amount=4_500_000,
            debt_note="Kepada calo, untuk ongkos berangkat",
            summary="Tekanan psikologis berat dan utang; berisiko berangkat lagi secara nonprosedural.",
        ),
    ),
    DemoCase(
        person="agustina-seran",
        worker="lks-rpk",
        stage=PLAN_SUBMITTED,
        category=CaseCategory.TRAFFICKING_VICTIM,
        referral_source=ReferredBy.MISSION,
        opened_days_ago=40,
        priority=Priority.HIGH,
        assessment=DemoAssessment(
            after_days=5,
            needs={
                AtensiComponent.THERAPY: "Konseling untuk trauma selama disekap majikan.",
                AtensiComponent.FAMILY_SUPPORT: "Suami perlu dilibatkan.",
                AtensiComponent.VOCATIONAL: "Sudah bisa menenun; perlu pelatihan pemasaran.",
                AtensiComponent.SOCIAL_ASSISTANCE: "Bantuan stimulan ke rekening atas nama sendiri.",
            },
            risks={
                RiskFactor.RETURNED_WITHOUT_RESULTS: "Gaji 14 bulan tidak dibayar.",
                RiskFactor.FAMILY_DISHARMONY: "Suami menyalahkannya karena pulang tanpa hasil.",
            },
            stress=Severity.MODERATE,
            depression=Severity.MILD,
            family_situation=FamilySituation.DISHARMONY,
            summary="Korban TPPO terkonfirmasi; rencana usaha tenun ikat di rumah.",
        ),
        plan=(
            _COUNSELLING,
            DemoPlanLine(
                AtensiComponent.FAMILY_SUPPORT,
                "Pertemuan keluarga bersama suami",
                "lks-rpk",
                21,
                PlanLineStatus.PLANNED,
            ),
            DemoPlanLine(
                AtensiComponent.VOCATIONAL,
                "Pelatihan pemasaran kain tenun ikat",
                "dinsos-kupang",
                45,
            ),
            DemoPlanLine(
                AtensiComponent.SOCIAL_ASSISTANCE,
                "Bantuan stimulan usaha Rp 900.000, setelah rekening atas nama sendiri dibuka",
                "rsts",
                75,
            ),
        ),
    ),
    DemoCase(
        person="maria-ndun",
        worker="lks-rpk",
        stage=CaseState.INTERVENTION,
        category=CaseCategory.TRAFFICKING_VICTIM,
        referral_source=ReferredBy.BP3MI,
        opened_days_ago=75,
        priority=Priority.HIGH,
        note="Aktif mengikuti konseling; ingin membuka usaha kue di rumah bersama dua teman sekampung.",
        assessment=DemoAssessment(
            after_days=3,
            srq20_yes=(3, 5, 9),
            needs={
                AtensiComponent.THERAPY: "Konseling psikososial.",
                AtensiComponent.FAMILY_SUPPORT: "Orang tua menanggung utang perjalanan.",
                AtensiComponent.VOCATIONAL: "Pelatihan pembuatan kue dan pengolahan pangan.",
                AtensiComponent.SOCIAL_ASSISTANCE: "Bantuan stimulan usaha.",
            },
            risks={
                RiskFactor.RETURNED_WITHOUT_RESULTS: "Dideportasi tanpa membawa upah.",
                RiskFactor.RETURN_DEBT: "Utang keluarga untuk ongkos pulang dari Nunukan.",
                RiskFactor.SHAME: "Malu kepada tetangga.",
            },
            stress=Severity.MODERATE,
            family_situation=FamilySituation.SUPPORTIVE,
            debt_amount=2_000_000,
            debt_note="Kepada kerabat, untuk ongkos pulang dari Nunukan",
            summary="Korban TPPO terkonfirmasi; keluarga mendukung; siap ikut Bimsos dan usaha kue.",
        ),
        plan=(
            _COUNSELLING,
            DemoPlanLine(
                AtensiComponent.VOCATIONAL,
                "Bimbingan sosial dan pelatihan pembuatan kue serta pengolahan pangan",
                "dinsos-kupang",
                30,
                PlanLineStatus.IN_PROGRESS,
            ),
            DemoPlanLine(
                AtensiComponent.SOCIAL_ASSISTANCE,
                "Bantuan stimulan usaha Rp 900.000 melalui rekening Bank NTT",
                "rsts",
                45,
            ),
            DemoPlanLine(
                AtensiComponent.FAMILY_SUPPORT,
                "Kunjungan keluarga dan mediasi dengan orang tua",
                "lks-rpk",
                -30,
                PlanLineStatus.DONE,
            ),
        ),
        services=(
            DemoService(ServiceKind.COUNSELLING, AtensiComponent.THERAPY, 10, plan_line=0),
            DemoService(ServiceKind.FAMILY_MEDIATION, AtensiComponent.FAMILY_SUPPORT, 20, plan_line=3),
            DemoService(ServiceKind.COUNSELLING, AtensiComponent.THERAPY, 40, plan_line=0),
            DemoService(ServiceKind.GUIDANCE, AtensiComponent.VOCATIONAL, 50, plan_line=1, provider="dinsos-kupang"),
        ),
        referral=DemoReferral(
            service=ReferralService.RESTITUTION,
            to_name="LPSK (Lembaga Perlindungan Saksi dan Korban)",
            reason="Permohonan restitusi atas upah yang tidak dibayar.",
            after_days=30,
            response=ReferralStatus.ACCEPTED,
            outcome="Permohonan diterima dan sedang diperiksa.",
        ),
    ),
    DemoCase(
        person="yohanes-tefa",
        worker="lks-rpk",
        stage=CaseState.TERMINATED,
        category=CaseCategory.MIGRANT_IN_TROUBLE,
        referral_source=ReferredBy.BP3MI,
        opened_days_ago=200,
        assessment=DemoAssessment(
            after_days=6,
            needs={
                AtensiComponent.VOCATIONAL: "Pernah bekerja di bengkel; ingin membuka usaha las.",
                AtensiComponent.SOCIAL_ASSISTANCE: "Bantuan stimulan untuk peralatan las.",
                AtensiComponent.ACCESSIBILITY: "KTP hilang di Malaysia.",
            },
            risks={
                RiskFactor.RETURNED_WITHOUT_RESULTS: "Pulang tanpa tabungan.",
                RiskFactor.NON_PROCEDURAL_REMIGRATION: "Sempat berniat kembali ke Sabah.",
            },
            stress=Severity.MILD,
            summary="Pekerja migran bermasalah, bukan korban TPPO; rencana usaha bengkel las.",
        ),
        plan=(
            DemoPlanLine(
                AtensiComponent.ACCESSIBILITY,
                "Pengurusan KTP-el baru di Disdukcapil",
                "lks-rpk",
                -170,
                PlanLineStatus.DONE,
            ),
            DemoPlanLine(
                AtensiComponent.VOCATIONAL,
                "Pelatihan las di balai latihan kerja",
                "dinsos-kupang",
                -120,
                PlanLineStatus.DONE,
            ),
            DemoPlanLine(
                AtensiComponent.SOCIAL_ASSISTANCE,
                "Bantuan stimulan usaha Rp 900.000 untuk peralatan las",
                "rsts",
                -80,
                PlanLineStatus.DONE,
            ),
        ),
        services=(
            DemoService(ServiceKind.DOCUMENTS, AtensiComponent.ACCESSIBILITY, 25, plan_line=0),
            DemoService(ServiceKind.TRAINING, AtensiComponent.VOCATIONAL, 70, plan_line=1, provider="dinsos-kupang"),
            DemoService(ServiceKind.ASSISTANCE, AtensiComponent.SOCIAL_ASSISTANCE, 120, plan_line=2, provider="rsts"),
        ),
        termination_note="Usaha bengkel las berjalan tiga bulan; tidak berniat bermigrasi lagi secara nonprosedural.",
    ),
    # --- Kabupaten Indramayu: Dinsos Kabupaten Indramayu and RSBM Tunas Mandiri, supervised by Dinsos ------------
    DemoCase(
        person="siti-aminah",
        worker="dinsos-indramayu",
        stage=CaseState.REFERRAL_RECEIVED,
        category=CaseCategory.TRAFFICKING_VICTIM,
        referral_source=ReferredBy.FAMILY,
        opened_days_ago=3,
        note="Keluarga melapor: biaya penempatan dipotong dari gaji selama dua tahun.",
    ),
    DemoCase(
        person="casmirah",
        worker="rsbm-tunas-mandiri",
        stage=CaseState.INTERVENTION,
        category=CaseCategory.TRAFFICKING_VICTIM,
        referral_source=ReferredBy.MISSION,
        opened_days_ago=90,
        priority=Priority.HIGH,
        assessment=DemoAssessment(
            after_days=4,
            srq20_yes=(1, 3, 5, 9, 18),
            needs={
                AtensiComponent.THERAPY: "Konseling kelompok.",
                AtensiComponent.VOCATIONAL: "Pelatihan UEP pembuatan kue kering.",
                AtensiComponent.SOCIAL_ASSISTANCE: "Peralatan usaha (oven, mixer).",
            },
            risks={
                RiskFactor.DEBT_TRAP: "Utang biaya penempatan kepada sponsor.",
                RiskFactor.SHAME: "Bercerai setelah pulang.",
            },
            stress=Severity.MODERATE,
            family_situation=FamilySituation.STRAINED,
            debt_amount=7_000_000,
            debt_note="Kepada sponsor, biaya penempatan",
            summary="Korban TPPO terkonfirmasi; ingin usaha kue kering menjelang Lebaran.",
        ),
        plan=(
            DemoPlanLine(AtensiComponent.THERAPY, "Konseling kelompok", "rsbm-tunas-mandiri", -20, PlanLineStatus.DONE),
            DemoPlanLine(
                AtensiComponent.VOCATIONAL,
                "Pelatihan UEP pembuatan kue kering rasa modern",
                "rsbm-tunas-mandiri",
                14,
                PlanLineStatus.IN_PROGRESS,
            ),
            DemoPlanLine(
                AtensiComponent.SOCIAL_ASSISTANCE,
                "Bantuan peralatan usaha (oven, mixer) dengan berita acara serah terima",
                "dinsos-indramayu",
                40,
            ),
        ),
        services=(
            DemoService(ServiceKind.COUNSELLING, AtensiComponent.THERAPY, 15, plan_line=0),
            DemoService(ServiceKind.GUIDANCE, AtensiComponent.VOCATIONAL, 60, plan_line=1, provider="dinsos-indramayu"),
            DemoService(ServiceKind.TRAINING, AtensiComponent.VOCATIONAL, 61, plan_line=1),
        ),
    ),
    DemoCase(
        person="wartini",
        worker="dinsos-indramayu",
        stage=CaseState.MONITORING,
        category=CaseCategory.MIGRANT_IN_TROUBLE,
        referral_source=ReferredBy.MISSION,
        opened_days_ago=150,
        assessment=DemoAssessment(
            after_days=7,
            needs={
                AtensiComponent.VOCATIONAL: "Pelatihan pengolahan mangga.",
                AtensiComponent.SOCIAL_ASSISTANCE: "Peralatan usaha.",
            },
            risks={RiskFactor.RETURNED_WITHOUT_RESULTS: "Pulang tanpa tabungan."},
            summary="Pekerja migran bermasalah; keluarga mendukung usaha dodol mangga.",
        ),
        plan=(
            DemoPlanLine(
                AtensiComponent.VOCATIONAL,
                "Pelatihan pengolahan mangga (dodol dan manisan)",
                "rsbm-tunas-mandiri",
                -90,
                PlanLineStatus.DONE,
            ),
            DemoPlanLine(
                AtensiComponent.SOCIAL_ASSISTANCE,
                "Bantuan peralatan usaha dengan berita acara serah terima",
                "dinsos-indramayu",
                -40,
                PlanLineStatus.DONE,
            ),
        ),
        services=(
            DemoService(
                ServiceKind.TRAINING, AtensiComponent.VOCATIONAL, 45, plan_line=0, provider="rsbm-tunas-mandiri"
            ),
            DemoService(ServiceKind.ASSISTANCE, AtensiComponent.SOCIAL_ASSISTANCE, 100, plan_line=1),
        ),
    ),
)


@dataclass
class _Tally:
    new: int = 0
    existing: int = 0
    skipped: list[str] = field(default_factory=list)


def load_demo_cases() -> list[str]:
    """Opens and works the demo cases of the demo people who have no case yet, earliest first (case numbers follow
    the opening dates). Returns the lines `load_demo` prints."""
    today = timezone.localdate()
    tally = _Tally()
    with demo_history():
        for spec in sorted(DEMO_CASES, key=lambda spec: -spec.opened_days_ago):
            person_spec = DEMO_PEOPLE_BY_KEY[spec.person]
            person = find_demo_person(person_spec)
            if person is not None and Case.objects.filter(person=person).exists():
                tally.existing += 1
                continue
            regency = home_regency_code(person.region_id) if person is not None else None
            worker = supervisor = None
            if regency is not None:
                worker = demo_user_holding(spec.worker, Role.CASE_WORKER, "cases.add_case", regency)
                office = REGENCY_OFFICE[person_spec.regency]
                supervisor = demo_user_holding(office, Role.SUPERVISOR, APPROVE_CASE, regency)
            if person is None or worker is None or (spec.reaches(CaseState.INTERVENTION) and supervisor is None):
                tally.skipped.append(person_spec.full_name)
                continue
            _work(spec, person=person, worker=worker, supervisor=supervisor, today=today)
            tally.new += 1
    lines = [f"{tally.new + tally.existing} demo cases ({tally.new} new)"]
    if tally.skipped:
        lines.append(
            f"{len(tally.skipped)} demo cases left out (the person is not registered, or a demo case worker or "
            f"supervisor is missing, inactive or without a grant there): {', '.join(tally.skipped)}"
        )
    return lines


def _work(spec: DemoCase, *, person: Person, worker: User, supervisor: User | None, today: date) -> Case:
    """Takes a new case through the workflow up to `spec.stage`. The history names whoever took each step; auditlog's
    set_actor does not nest, hence one block per turn of the case worker or the supervisor."""
    opened_on = today - timedelta(days=spec.opened_days_ago)

    def on(after_days: int) -> date:
        return min(today, opened_on + timedelta(days=after_days))

    with set_actor(worker):
        case = case_open(
            actor=worker,
            person=person,
            category=spec.category,
            referral_source=spec.referral_source,
            case_worker=worker,
            priority=spec.priority,
            opened_on=opened_on,
        )
        if spec.note:
            note_add(actor=worker, case=case, text=spec.note)
        if spec.task is not None:
            title, due_in = spec.task
            task_create(actor=worker, case=case, title=title, due_on=today + timedelta(days=due_in))
        if not spec.reaches(CaseState.ASSESSMENT):
            return case

        case_transition(actor=worker, case=case, target=CaseState.ASSESSMENT)
        assert spec.assessment is not None
        _assess(spec.assessment, case=case, worker=worker, assessed_on=on(spec.assessment.after_days))
        if not spec.reaches(PLAN_SUBMITTED):
            return case

        case_transition(actor=worker, case=case, target=CaseState.INTERVENTION_PLAN)
        lines = [
            plan_line_add(
                actor=worker,
                case=case,
                component=line.component,
                description=line.description,
                responsible_organisation=demo_organisation(line.responsible) if line.responsible else None,
                due_on=today + timedelta(days=line.due_in_days),
            )
            for line in spec.plan
        ]
        approval = case_submit_for_approval(
            actor=worker, case=case, kind=ApprovalKind.PLAN, note="Rencana disusun bersama klien dan keluarganya."
        )
        if not spec.reaches(CaseState.INTERVENTION):
            return case

    assert supervisor is not None
    with set_actor(supervisor):
        approval_decide(actor=supervisor, approval=approval, approve=True, note="Disetujui.")
    case.refresh_from_db()

    with set_actor(worker):
        for service in spec.services:
            service_record(
                actor=worker,
                case=case,
                kind=service.kind,
                component=service.component,
                delivered_on=on(service.after_days),
                plan_line=lines[service.plan_line] if service.plan_line is not None else None,
                provider=demo_organisation(service.provider) if service.provider else None,
            )
        if spec.referral is not None:
            _refer(spec.referral, case=case, worker=worker, referred_on=on(spec.referral.after_days), today=today)
        for line, line_spec in zip(lines, spec.plan, strict=True):
            if line_spec.status != PlanLineStatus.PLANNED:
                _set_status(line, worker, line_spec.status)
        if not spec.reaches(CaseState.MONITORING):
            return case

        case_transition(actor=worker, case=case, target=CaseState.MONITORING)
        if not spec.reaches(CaseState.TERMINATED):
            return case

        approval = case_submit_for_approval(
            actor=worker, case=case, kind=ApprovalKind.TERMINATION, note=spec.termination_note
        )

    with set_actor(supervisor):
        approval_decide(actor=supervisor, approval=approval, approve=True, note="Tujuan tercapai; kasus diterminasi.")
    case.refresh_from_db()
    return case


def _assess(assessment: DemoAssessment, *, case: Case, worker: User, assessed_on: date) -> None:
    answers = (
        [number in assessment.srq20_yes for number in range(1, QUESTION_COUNT + 1)]
        if assessment.srq20_yes is not None
        else None
    )
    assessment_record(
        actor=worker,
        case=case,
        assessed_on=assessed_on,
        srq20_answers=answers,
        stress=assessment.stress,
        depression=assessment.depression,
        isolation=assessment.isolation,
        family_situation=assessment.family_situation,
        debt_amount=assessment.debt_amount,
        debt_note=assessment.debt_note,
        summary=assessment.summary,
        needs={component: Checked(yes=True, note=note) for component, note in assessment.needs.items()},
        risk_factors={factor: Checked(yes=True, note=note) for factor, note in assessment.risks.items()},
    )


def _refer(referral: DemoReferral, *, case: Case, worker: User, referred_on: date, today: date) -> None:
    created = referral_create(
        actor=worker,
        case=case,
        service=referral.service,
        reason=referral.reason,
        to_name=referral.to_name,
        referred_on=referred_on,
    )
    if referral.response:
        referral_respond(
            actor=worker,
            referral=created,
            status=referral.response,
            responded_on=min(today, referred_on + timedelta(days=7)),
            outcome_note=referral.outcome,
        )


def _set_status(line: PlanLine, worker: User, status: str) -> None:
    plan_line_update(
        actor=worker,
        plan_line=line,
        component=line.component,
        description=line.description,
        responsible_organisation=line.responsible_organisation,
        due_on=line.due_on,
        status=status,
    )
