from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    SOCIAL_GUIDANCE = "social_guidance", _("Bimbingan sosial (Bimsos)")
    SKILLS_TRAINING = "skills_training", _("Pelatihan keterampilan UEP")
    MENTORING = "mentoring", _("Pendampingan")
    PREVENTION = "prevention", _("Sosialisasi pencegahan di masyarakat")


class PartnerRole(models.TextChoices):
    ORGANISER = "organiser", _("Penyelenggara")
    CO_ORGANISER = "co_organiser", _("Penyelenggara bersama")
    VENUE = "venue", _("Penyedia tempat")
    TRAINER = "trainer", _("Pelatih")
    FUNDER = "funder", _("Penyandang dana")


class FacilitatorRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Fasilitator")
    TRAINER = "trainer", pgettext_lazy("person", "Pelatih")
    SPEAKER = "speaker", _("Narasumber")


class EnrolmentState(models.TextChoices):
    ENROLLED = "enrolled", _("Terdaftar")
    WAITLISTED = "waitlisted", _("Daftar tunggu")
    WITHDRAWN = "withdrawn", _("Mengundurkan diri")


class WithdrawalReason(models.TextChoices):
    PERSONAL = "personal", _("Alasan pribadi atau keluarga")
    ILLNESS = "illness", _("Sakit")
    WORK = "work", _("Bekerja / pindah kerja")
    MIGRATED = "migrated", _("Berangkat bermigrasi lagi")
    UNREACHABLE = "unreachable", _("Tidak dapat dihubungi")
    INELIGIBLE = "ineligible", _("Ternyata tidak memenuhi syarat")
    ENTERED_BY_MISTAKE = "mistake", _("Salah didaftarkan")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Hadir")
    LATE = "late", pgettext_lazy("attendance", "Terlambat")
    ABSENT = "absent", _("Tidak hadir")


ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


class AttendanceSource(models.TextChoices):
    PHONE = "phone", _("Dicatat di tempat (ponsel)")
    PAPER = "paper", _("Disalin dari daftar hadir kertas")
