from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkit.cases.choices import RiskFactor as MinistryRiskFactor


class EnterpriseForm(models.TextChoices):
    INDIVIDUAL = "individual", _("Usaha perorangan (UEP)")
    GROUP = "group", _("Kelompok usaha bersama (KUBE)")


class EnterpriseKind(models.TextChoices):
    FOOD = "food", _("Makanan olahan")
    CAKES = "cakes", _("Kue dan kue kering")
    KIOSK = "kiosk", _("Warung / kios")
    FARMING = "farming", _("Pertanian")
    LIVESTOCK = "livestock", _("Peternakan")
    FISHERY = "fishery", _("Perikanan")
    CRAFTS = "crafts", _("Kerajinan / tenun")
    SERVICES = "services", _("Jasa")
    OTHER = "other", _("Lainnya")


class EnterpriseStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    RUNNING = "running", _("Berjalan")
    PAUSED = "paused", _("Berhenti sementara")
    CLOSED = "closed", _("Tutup")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Pemilik")
    CHAIR = "chair", _("Ketua")
    SECRETARY = "secretary", _("Sekretaris")
    TREASURER = "treasurer", _("Bendahara")
    MEMBER = "member", _("Anggota")


class FollowUpState(models.TextChoices):
    SCHEDULED = "scheduled", _("Terjadwal")
    DONE = "done", _("Sudah dikunjungi")
    CANCELLED = "cancelled", _("Dibatalkan")


class BusinessRunning(models.TextChoices):
    YES = "yes", _("Ya, berjalan")
    PAUSED = "paused", _("Berhenti sementara")
    NO = "no", _("Tidak / tutup")
    NO_BUSINESS = "no_business", _("Tidak punya usaha")


class Health(models.TextChoices):
    GOOD = "good", _("Sehat")
    ILL = "ill", _("Sakit")
    DISABILITY = "disability", _("Disabilitas")


class MigrationIntention(models.TextChoices):
    NONE = "none", _("Tidak berniat")
    UNDECIDED = "undecided", _("Belum tahu")
    PROCEDURAL = "procedural", _("Berniat, secara prosedural")
    NON_PROCEDURAL = "non_procedural", _("Berniat, secara nonprosedural")


class RiskFactor(models.TextChoices):
    """The instrument's factors: the ministry's (also asked in the case assessment) and what a follow-up visit
    finds. The codes shared with `cases.RiskFactor` are the same, so an assessment's answers feed the score."""

    NO_HELP_INFORMATION = MinistryRiskFactor.NO_HELP_INFORMATION.value, MinistryRiskFactor.NO_HELP_INFORMATION.label
    RETURNED_WITHOUT_RESULTS = (
        MinistryRiskFactor.RETURNED_WITHOUT_RESULTS.value,
        MinistryRiskFactor.RETURNED_WITHOUT_RESULTS.label,
    )
    SHAME = MinistryRiskFactor.SHAME.value, MinistryRiskFactor.SHAME.label
    DEBT_TRAP = MinistryRiskFactor.DEBT_TRAP.value, MinistryRiskFactor.DEBT_TRAP.label
    FAMILY_DISHARMONY = MinistryRiskFactor.FAMILY_DISHARMONY.value, MinistryRiskFactor.FAMILY_DISHARMONY.label
    RETURN_DEBT = MinistryRiskFactor.RETURN_DEBT.value, MinistryRiskFactor.RETURN_DEBT.label
    ILLNESS_DISABILITY = MinistryRiskFactor.ILLNESS_DISABILITY.value, MinistryRiskFactor.ILLNESS_DISABILITY.label
    NON_PROCEDURAL_REMIGRATION = (
        MinistryRiskFactor.NON_PROCEDURAL_REMIGRATION.value,
        MinistryRiskFactor.NON_PROCEDURAL_REMIGRATION.label,
    )
    RECRUITER_CONTACT = "recruiter_contact", _("Didekati perekrut / calo")
    UNEMPLOYED = "unemployed", _("Tidak bekerja dan usaha tidak berjalan")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Rendah")
    MEDIUM = "medium", _("Sedang")
    HIGH = "high", _("Tinggi")


class RiskSource(models.TextChoices):
    ASSESSMENT = "assessment", _("Asesmen kasus")
    FOLLOW_UP = "follow_up", _("Kunjungan tindak lanjut")
    REMIGRATION = "remigration", _("Catatan migrasi ulang")
    WEIGHTS = "weights", _("Bobot diubah")


class AlertKind(models.TextChoices):
    HIGH_RISK = "high_risk", _("Risiko tinggi diperdagangkan kembali")
    INTENDS_NON_PROCEDURAL = "intends_non_procedural", _("Berniat berangkat lagi secara nonprosedural")
    NON_PROCEDURAL_DEPARTURE = "non_procedural_departure", _("Berangkat lagi secara nonprosedural")


class RunState(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")
    # Queued behind a newer run, which re-scores everyone under newer weights anyway.
    SKIPPED = "skipped", _("Dilewati")


class ProposalState(models.TextChoices):
    """A business-development proposal's way to the Directorate (`livelihoods.proposal_workflow`)."""

    DRAFT = "draft", _("Konsep")
    SUBMITTED = "submitted", _("Diajukan")
    RECOMMENDED = "recommended", _("Direkomendasikan kabupaten/kota")
    VERIFIED = "verified", _("Diverifikasi provinsi")
    APPROVED = "approved", _("Disetujui Direktorat")
    REJECTED = "rejected", _("Ditolak")
    FUNDED = "funded", _("Didanai")
