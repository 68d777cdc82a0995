"""The vocabularies of case management. Codes are stored and exported; labels are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseCategory(models.TextChoices):
    TRAFFICKING_VICTIM = "kpo", _("Korban perdagangan orang (KPO)")
    MIGRANT_IN_TROUBLE = "pmi_b", _("Pekerja migran bermasalah (PMI-B)")


class Priority(models.TextChoices):
    LOW = "low", _("Rendah")
    NORMAL = "normal", _("Biasa")
    HIGH = "high", _("Tinggi")
    URGENT = "urgent", _("Mendesak")


class CaseState(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("Rujukan diterima")
    ASSESSMENT = "assessment", _("Asesmen")
    INTERVENTION_PLAN = "intervention_plan", _("Rencana intervensi")
    INTERVENTION = "intervention", _("Intervensi")
    MONITORING = "monitoring", _("Pemantauan")
    TERMINATED = "terminated", _("Terminasi")
    REFERRED_OUT = "referred_out", _("Dirujuk keluar")
    CLOSED = "closed", _("Ditutup")


FINAL_STATES = frozenset({CaseState.TERMINATED, CaseState.REFERRED_OUT, CaseState.CLOSED})
OPEN_STATES = frozenset(CaseState.values) - FINAL_STATES


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Tujuan tercapai")
    REFUSED = "refused", _("Menolak layanan")
    UNREACHABLE = "unreachable", _("Tidak dapat dihubungi")
    MOVED = "moved", _("Pindah ke luar wilayah")
    REMIGRATED = "remigrated", _("Bermigrasi lagi")
    DECEASED = "deceased", _("Meninggal dunia")
    DUPLICATE = "duplicate", _("Kasus ganda")
    OTHER = "other", _("Lainnya")


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("Rencana intervensi")
    TERMINATION = "termination", _("Terminasi")


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Dikembalikan")


class AtensiComponent(models.TextChoices):
    """The seven ATENSI components of social rehabilitation (Permensos No. 7 Tahun 2021)."""

    DECENT_LIVING = "decent_living", _("Dukungan pemenuhan hidup layak")
    SOCIAL_CARE = "social_care", _("Perawatan sosial / pengasuhan")
    FAMILY_SUPPORT = "family_support", _("Dukungan keluarga")
    THERAPY = "therapy", _("Terapi fisik, psikososial dan mental spiritual")
    VOCATIONAL = "vocational", _("Pelatihan vokasional / pembinaan kewirausahaan")
    SOCIAL_ASSISTANCE = "social_assistance", _("Bantuan sosial dan asistensi sosial")
    ACCESSIBILITY = "accessibility", _("Dukungan aksesibilitas")


class Severity(models.TextChoices):
    NONE = "none", _("Tidak ada")
    MILD = "mild", _("Ringan")
    MODERATE = "moderate", _("Sedang")
    SEVERE = "severe", _("Berat")


class FamilySituation(models.TextChoices):
    SUPPORTIVE = "supportive", _("Mendukung")
    STRAINED = "strained", _("Renggang")
    DISHARMONY = "disharmony", _("Tidak harmonis / konflik")
    REJECTING = "rejecting", _("Menolak kepulangan")
    NO_FAMILY = "no_family", _("Tidak ada keluarga")
    UNKNOWN = "unknown", _("Tidak diketahui")


class RiskFactor(models.TextChoices):
    """The ministry's risk factors for re-trafficking of returnees (DOMAIN.md), plus non-procedural re-migration."""

    NO_HELP_INFORMATION = "no_help_information", _("Tidak tahu ke mana mencari bantuan")
    RETURNED_WITHOUT_RESULTS = "returned_without_results", _("Pulang tanpa hasil")
    SHAME = "shame", _("Rasa malu")
    DEBT_TRAP = "debt_trap", _("Terjerat utang")
    FAMILY_DISHARMONY = "family_disharmony", _("Ketidakharmonisan keluarga")
    RETURN_DEBT = "return_debt", _("Utang selama proses pemulangan")
    ILLNESS_DISABILITY = "illness_disability", _("Sakit atau disabilitas fisik")
    NON_PROCEDURAL_REMIGRATION = "non_procedural_remigration", _("Berniat bermigrasi lagi secara nonprosedural")


class PlanLineStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    IN_PROGRESS = "in_progress", _("Berjalan")
    DONE = "done", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class ServiceKind(models.TextChoices):
    COUNSELLING = "counselling", _("Konseling / dukungan psikososial")
    HEALTH = "health", _("Layanan kesehatan")
    LEGAL = "legal", _("Pendampingan hukum")
    FAMILY_MEDIATION = "family_mediation", _("Mediasi keluarga")
    DOCUMENTS = "documents", _("Pengurusan dokumen kependudukan")
    SHELTER = "shelter", _("Rumah aman / penampungan")
    TRANSPORT_HOME = "transport_home", _("Pemulangan ke daerah asal")
    GUIDANCE = "guidance", _("Bimbingan sosial")
    TRAINING = "training", _("Pelatihan keterampilan")
    ASSISTANCE = "assistance", _("Bantuan (uang / barang)")
    OTHER = "other", _("Lainnya")


class ReferralService(models.TextChoices):
    HEALTH = "health", _("Kesehatan")
    LEGAL_AID = "legal_aid", _("Bantuan hukum")
    RESTITUTION = "restitution", _("Restitusi (LPSK)")
    POLICE = "police", _("Kepolisian")
    BP2MI = "bp2mi", _("BP2MI / BP3MI")
    LKS = "lks", _("LKS lain")
    OTHER = "other", _("Lainnya")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu jawaban")
    ACCEPTED = "accepted", _("Diterima")
    DECLINED = "declined", _("Ditolak")
    DONE = "done", _("Selesai")


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Kasus dibuka")
    TRANSITION = "transition", _("Tahap berubah")
    ASSIGNED = "assigned", _("Pendamping ditetapkan")
    ASSESSMENT = "assessment", _("Asesmen dicatat")
    APPROVAL_SUBMITTED = "approval_submitted", _("Diajukan untuk persetujuan")
    APPROVAL_DECIDED = "approval_decided", _("Persetujuan diputuskan")
    PLAN_LINE = "plan_line", _("Rencana intervensi diubah")
    SERVICE = "service", _("Layanan diberikan")
    REFERRAL = "referral", _("Rujukan")
    NOTE = "note", _("Catatan ditambahkan")
    TASK = "task", _("Tugas")
    REOPENED = "reopened", _("Kasus dibuka kembali")
    MERGED = "merged", _("Data orang digabung")
    ASSISTANCE = "assistance", _("Bantuan")
    FOLLOW_UP = "follow_up", _("Tindak lanjut dan risiko")


# WHO Self-Reporting Questionnaire (SRQ-20), in the Indonesian wording of the Ministry of Health's Riskesdas.
# Twenty yes/no questions about the last 30 days; a score of 6 or more suggests a mental-emotional disorder
# (Riskesdas cut-off) and item 17 (thoughts of ending one's life) needs attention whatever the score.
SRQ20_QUESTIONS = (
    _("Apakah Anda sering menderita sakit kepala?"),
    _("Apakah Anda tidak nafsu makan?"),
    _("Apakah Anda sulit tidur?"),
    _("Apakah Anda mudah takut?"),
    _("Apakah Anda merasa tegang, cemas atau kuatir?"),
    _("Apakah tangan Anda gemetar?"),
    _("Apakah pencernaan Anda terganggu/buruk?"),
    _("Apakah Anda sulit untuk berpikir jernih?"),
    _("Apakah Anda merasa tidak bahagia?"),
    _("Apakah Anda menangis lebih sering?"),
    _("Apakah Anda merasa sulit untuk menikmati kegiatan sehari-hari?"),
    _("Apakah Anda sulit untuk mengambil keputusan?"),
    _("Apakah pekerjaan Anda sehari-hari terganggu?"),
    _("Apakah Anda tidak mampu melakukan hal-hal yang bermanfaat dalam hidup?"),
    _("Apakah Anda kehilangan minat pada berbagai hal?"),
    _("Apakah Anda merasa tidak berharga?"),
    _("Apakah Anda mempunyai pikiran untuk mengakhiri hidup?"),
    _("Apakah Anda merasa lelah sepanjang waktu?"),
    _("Apakah Anda mengalami rasa tidak enak di perut?"),
    _("Apakah Anda mudah lelah?"),
)
SRQ20_CUTOFF = 6
SRQ20_SUICIDE_ITEM = 17
