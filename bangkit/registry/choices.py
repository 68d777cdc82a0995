"""The registry's vocabularies. Codes are stable (stored, exported, mapped to CTDC); labels are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Perempuan")
    MALE = "M", _("Laki-laki")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Belum kawin")
    MARRIED = "married", _("Kawin")
    DIVORCED = "divorced", _("Cerai hidup")
    WIDOWED = "widowed", _("Cerai mati")
    UNKNOWN = "unknown", _("Tidak diketahui")


class Education(models.TextChoices):
    NONE = "none", _("Tidak/belum sekolah")
    PRIMARY_INCOMPLETE = "sd_incomplete", _("Tidak tamat SD")
    PRIMARY = "sd", _("SD/sederajat")
    JUNIOR = "smp", _("SMP/sederajat")
    SENIOR = "sma", _("SMA/SMK/sederajat")
    DIPLOMA = "diploma", _("Diploma")
    BACHELOR = "s1", _("S1 atau lebih tinggi")
    UNKNOWN = "unknown", _("Tidak diketahui")


class Disability(models.TextChoices):
    """The Washington Group's six functional domains, the basis of Indonesia's own disability statistics."""

    SEEING = "seeing", _("Penglihatan")
    HEARING = "hearing", _("Pendengaran")
    MOBILITY = "mobility", _("Berjalan / naik tangga")
    COGNITION = "cognition", _("Mengingat / konsentrasi")
    SELF_CARE = "self_care", _("Mengurus diri sendiri")
    COMMUNICATION = "communication", _("Berkomunikasi")
    PSYCHOSOCIAL = "psychosocial", _("Psikososial")


class HouseholdRelationship(models.TextChoices):
    HEAD = "head", _("Kepala keluarga")
    SPOUSE = "spouse", _("Suami/istri")
    CHILD = "child", _("Anak")
    PARENT = "parent", _("Orang tua")
    SIBLING = "sibling", _("Saudara kandung")
    GRANDCHILD = "grandchild", _("Cucu")
    OTHER = "other", _("Lainnya")


class PhoneLabel(models.TextChoices):
    OWN = "own", _("Milik sendiri")
    FAMILY = "family", _("Keluarga")
    NEIGHBOUR = "neighbour", _("Tetangga / kerabat")
    OTHER = "other", _("Lainnya")


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("KTP")
    KK = "kk", _("Kartu Keluarga")
    PASSPORT = "passport", _("Paspor")
    SPLP = "splp", _("SPLP (Surat Perjalanan Laksana Paspor)")
    BIRTH_CERTIFICATE = "birth_certificate", _("Akta kelahiran")
    OTHER = "other", _("Lainnya")


class BankAccountStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Belum diverifikasi")
    VERIFIED = "verified", _("Terverifikasi")
    INVALID = "invalid", _("Tidak valid")


class VerificationMethod(models.TextChoices):
    PASSBOOK = "passbook", _("Buku tabungan dilihat langsung")
    BANK_LETTER = "bank_letter", _("Surat keterangan bank")
    BANK_INQUIRY = "bank_inquiry", _("Konfirmasi/inquiry bank")
    TEST_TRANSFER = "test_transfer", _("Transfer uji berhasil")


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("Manajemen kasus")
    DATA_SHARING = "data_sharing", _("Berbagi data dengan organisasi tertentu")
    ASSISTANCE = "assistance", _("Bantuan")
    STATISTICS = "statistics", _("Statistik")


class ConsentSigner(models.TextChoices):
    PERSON = "person", _("Yang bersangkutan")
    GUARDIAN = "guardian", _("Wali / orang tua")


class WorkSector(models.TextChoices):
    DOMESTIC = "domestic_work", _("Pekerja rumah tangga")
    PLANTATION = "plantation", _("Perkebunan / pertanian")
    CONSTRUCTION = "construction", _("Konstruksi")
    MANUFACTURING = "manufacturing", _("Pabrik / manufaktur")
    FISHING = "fishing", _("Perikanan / kapal")
    HOSPITALITY = "hospitality", _("Restoran / perhotelan")
    CARE = "care", _("Perawat lansia / pengasuh")
    ENTERTAINMENT = "entertainment", _("Hiburan")
    OTHER = "other", _("Lainnya")
    UNKNOWN = "unknown", _("Tidak diketahui")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Ya")
    NO = "no", _("Tidak")
    UNKNOWN = "unknown", _("Tidak diketahui")


class DepartureRoute(models.TextChoices):
    PROCEDURAL = "procedural", _("Prosedural")
    NON_PROCEDURAL = "non_procedural", _("Nonprosedural")
    UNKNOWN = "unknown", _("Tidak diketahui")


class TravelDocument(models.TextChoices):
    PASSPORT = "passport", _("Paspor")
    WORK_VISA = "work_visa", _("Visa kerja")
    WORK_PERMIT = "work_permit", _("Izin kerja")
    EMPLOYMENT_CONTRACT = "contract", _("Perjanjian kerja")
    BP2MI_CARD = "e_pmi", _("E-PMI / kartu BP2MI")
    VISIT_VISA = "visit_visa", _("Visa kunjungan/wisata")
    NONE = "none", _("Tanpa dokumen")


class ReturnMode(models.TextChoices):
    DEPORTED = "deported", _("Dideportasi")
    REPATRIATED = "repatriated", _("Dipulangkan (repatriasi)")
    SELF_RETURNED = "self_returned", _("Pulang sendiri")
    UNKNOWN = "unknown", _("Tidak diketahui")


class ReferredBy(models.TextChoices):
    MISSION = "kjri_kbri", _("KJRI / KBRI")
    BP3MI = "bp3mi", _("BP3MI / BP2MI")
    POLICE = "police", _("Kepolisian")
    LKS = "lks", _("LKS")
    DINSOS = "dinsos", _("Dinas Sosial")
    FAMILY = "family", _("Keluarga")
    SELF = "self", _("Datang sendiri")
    OTHER = "other", _("Lainnya")


# Ports where deportees from Malaysia are usually landed; suggestions for a free-text field.
DEBARKATION_POINTS = (
    "Nunukan",
    "Tanjung Pinang",
    "Pontianak",
    "Entikong",
    "Dumai",
    "Batam",
    "Tanjung Priok",
    "Soekarno-Hatta",
)


class IdentificationOutcome(models.TextChoices):
    POSSIBLE = "possible", _("Kemungkinan korban")
    CONFIRMED = "confirmed", _("Terkonfirmasi korban")
    NOT_TRAFFICKING = "not_trafficking", _("Bukan perdagangan orang")


# UU No. 21 Tahun 2007, Pasal 1 angka 1: the three elements, each a checklist.
class TraffickingAct(models.TextChoices):
    RECRUITMENT = "recruitment", _("Perekrutan")
    TRANSPORT = "transport", _("Pengangkutan")
    HARBOURING = "harbouring", _("Penampungan")
    SENDING = "sending", _("Pengiriman")
    TRANSFER = "transfer", _("Pemindahan")
    RECEIPT = "receipt", _("Penerimaan")


class TraffickingMeans(models.TextChoices):
    VIOLENCE = "violence", _("Ancaman atau penggunaan kekerasan")
    ABDUCTION = "abduction", _("Penculikan")
    CONFINEMENT = "confinement", _("Penyekapan")
    FORGERY = "forgery", _("Pemalsuan")
    FRAUD = "fraud", _("Penipuan")
    ABUSE_OF_POWER = "abuse_of_power", _("Penyalahgunaan kekuasaan atau posisi rentan")
    DEBT_BONDAGE = "debt_bondage", _("Penjeratan utang")
    PAYMENT = "payment", _("Memberi bayaran atau manfaat kepada yang memegang kendali")


class TraffickingPurpose(models.TextChoices):
    FORCED_LABOUR = "forced_labour", _("Kerja paksa / pelayanan paksa")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Eksploitasi seksual")
    SLAVERY = "slavery", _("Perbudakan atau praktik serupa")
    SERVITUDE = "servitude", _("Penghambaan")
    ORGAN_REMOVAL = "organ_removal", _("Pengambilan organ tubuh")
    FORCED_MARRIAGE = "forced_marriage", _("Perkawinan paksa")
    OTHER = "other_exploitation", _("Eksploitasi lainnya")


# CTDC codebook (IOM Counter Trafficking Data Collaborative): the variable names are the codes.
class CtdcMeansOfControl(models.TextChoices):
    DEBT_BONDAGE = "meansOfControlDebtBondage", _("Jeratan utang")
    TAKES_EARNINGS = "meansOfControlTakesEarnings", _("Mengambil penghasilan")
    RESTRICTS_FINANCIAL_ACCESS = "meansOfControlRestrictsFinancialAccess", _("Membatasi akses keuangan")
    THREATS = "meansOfControlThreats", _("Ancaman")
    PSYCHOLOGICAL_ABUSE = "meansOfControlPsychologicalAbuse", _("Kekerasan psikis")
    PHYSICAL_ABUSE = "meansOfControlPhysicalAbuse", _("Kekerasan fisik")
    SEXUAL_ABUSE = "meansOfControlSexualAbuse", _("Kekerasan seksual")
    FALSE_PROMISES = "meansOfControlFalsePromises", _("Janji palsu")
    PSYCHOACTIVE_SUBSTANCES = "meansOfControlPsychoactiveSubstances", _("Zat psikoaktif")
    RESTRICTS_MOVEMENT = "meansOfControlRestrictsMovement", _("Membatasi gerak")
    RESTRICTS_MEDICAL_CARE = "meansOfControlRestrictsMedicalCare", _("Membatasi perawatan kesehatan")
    EXCESSIVE_WORKING_HOURS = "meansOfControlExcessiveWorkingHours", _("Jam kerja berlebihan")
    THREAT_OF_LAW_ENFORCEMENT = "meansOfControlThreatOfLawEnforcement", _("Ancaman dilaporkan ke aparat")
    WITHHOLDS_NECESSITIES = "meansOfControlWithholdsNecessities", _("Menahan kebutuhan dasar")
    WITHHOLDS_DOCUMENTS = "meansOfControlWithholdsDocuments", _("Menahan dokumen")
    OTHER = "meansOfControlOther", _("Lainnya")


class CtdcTypeOfExploitation(models.TextChoices):
    FORCED_LABOUR = "isForcedLabour", _("Kerja paksa")
    SEXUAL_EXPLOIT = "isSexualExploit", _("Eksploitasi seksual")
    OTHER_EXPLOIT = "isOtherExploit", _("Eksploitasi lainnya")
    FORCED_MARRIAGE = "isForcedMarriage", _("Perkawinan paksa")
    ORGAN_REMOVAL = "isOrganRemoval", _("Pengambilan organ")
    SLAVERY = "isSlaveryAndPractices", _("Perbudakan dan praktik serupa")


class CtdcTypeOfLabour(models.TextChoices):
    AGRICULTURE = "typeOfLabourAgriculture", _("Pertanian / perkebunan")
    AQUAFARMING = "typeOfLabourAquafarming", _("Perikanan / budi daya")
    BEGGING = "typeOfLabourBegging", _("Mengemis")
    CONSTRUCTION = "typeOfLabourConstruction", _("Konstruksi")
    DOMESTIC_WORK = "typeOfLabourDomesticWork", _("Pekerjaan rumah tangga")
    HOSPITALITY = "typeOfLabourHospitality", _("Perhotelan / restoran")
    ILLICIT = "typeOfLabourIllicitActivities", _("Kegiatan ilegal")
    MANUFACTURING = "typeOfLabourManufacturing", _("Manufaktur")
    MINING = "typeOfLabourMiningOrDrilling", _("Pertambangan")
    PEDDLING = "typeOfLabourPeddling", _("Berdagang keliling")
    TRANSPORTATION = "typeOfLabourTransportation", _("Transportasi")
    OTHER = "typeOfLabourOther", _("Lainnya")


class CtdcRecruiterRelationship(models.TextChoices):
    INTIMATE_PARTNER = "recruiterRelationIntimatePartner", _("Pasangan")
    FRIEND = "recruiterRelationFriend", _("Teman")
    FAMILY = "recruiterRelationFamily", _("Keluarga")
    OTHER = "recruiterRelationOther", _("Lainnya (calo, agen, kenalan)")
    UNKNOWN = "recruiterRelationUnknown", _("Tidak diketahui")


# How the UU 21/2007 checklist answers translate into CTDC's vocabulary; one place, used on save and in exports.
MEANS_TO_CTDC: dict[str, tuple[str, ...]] = {
    TraffickingMeans.VIOLENCE: (CtdcMeansOfControl.THREATS, CtdcMeansOfControl.PHYSICAL_ABUSE),
    TraffickingMeans.ABDUCTION: (CtdcMeansOfControl.RESTRICTS_MOVEMENT,),
    TraffickingMeans.CONFINEMENT: (CtdcMeansOfControl.RESTRICTS_MOVEMENT,),
    TraffickingMeans.FORGERY: (CtdcMeansOfControl.OTHER,),
    TraffickingMeans.FRAUD: (CtdcMeansOfControl.FALSE_PROMISES,),
    TraffickingMeans.ABUSE_OF_POWER: (CtdcMeansOfControl.PSYCHOLOGICAL_ABUSE,),
    TraffickingMeans.DEBT_BONDAGE: (CtdcMeansOfControl.DEBT_BONDAGE,),
    TraffickingMeans.PAYMENT: (CtdcMeansOfControl.OTHER,),
}

PURPOSE_TO_CTDC: dict[str, tuple[str, ...]] = {
    TraffickingPurpose.FORCED_LABOUR: (CtdcTypeOfExploitation.FORCED_LABOUR,),
    TraffickingPurpose.SEXUAL_EXPLOITATION: (CtdcTypeOfExploitation.SEXUAL_EXPLOIT,),
    TraffickingPurpose.SLAVERY: (CtdcTypeOfExploitation.SLAVERY,),
    TraffickingPurpose.SERVITUDE: (CtdcTypeOfExploitation.SLAVERY,),
    TraffickingPurpose.ORGAN_REMOVAL: (CtdcTypeOfExploitation.ORGAN_REMOVAL,),
    TraffickingPurpose.FORCED_MARRIAGE: (CtdcTypeOfExploitation.FORCED_MARRIAGE,),
    TraffickingPurpose.OTHER: (CtdcTypeOfExploitation.OTHER_EXPLOIT,),
}

SECTOR_TO_CTDC_LABOUR: dict[str, str] = {
    WorkSector.DOMESTIC: CtdcTypeOfLabour.DOMESTIC_WORK,
    WorkSector.PLANTATION: CtdcTypeOfLabour.AGRICULTURE,
    WorkSector.CONSTRUCTION: CtdcTypeOfLabour.CONSTRUCTION,
    WorkSector.MANUFACTURING: CtdcTypeOfLabour.MANUFACTURING,
    WorkSector.FISHING: CtdcTypeOfLabour.AQUAFARMING,
    WorkSector.HOSPITALITY: CtdcTypeOfLabour.HOSPITALITY,
    WorkSector.CARE: CtdcTypeOfLabour.DOMESTIC_WORK,
    WorkSector.ENTERTAINMENT: CtdcTypeOfLabour.OTHER,
    WorkSector.OTHER: CtdcTypeOfLabour.OTHER,
}


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Perlu ditinjau")
    MERGED = "merged", _("Digabung")
    DISTINCT = "distinct", _("Orang berbeda")
