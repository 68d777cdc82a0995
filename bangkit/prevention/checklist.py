"""The public safe-migration checklist: its questions, the advice for each risky answer, the verdict, and the
official contacts — content as data, in one place, so that it can be corrected without touching the pages.

The questions follow the preventive advice of Dinas Sosial Kabupaten Indramayu (do not be easily persuaded, weigh
a job offer rationally, do not go abroad alone, do not go without legal documents from the government) and the
law: UU No. 18 Tahun 2017 on the protection of Indonesian migrant workers (only licensed placement companies,
P3MI, place workers, never individuals; documents and a signed work agreement before departure; no placement
fees charged to the worker) and UU No. 21 Tahun 2007 on trafficking (fraud, debt bondage, holding documents).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES, NO, UNSURE = "yes", "no", "unsure"
_YES_NO_UNSURE = ((YES, _("Ya")), (NO, _("Tidak")), (UNSURE, _("Tidak tahu")))


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise
    advice: StrOrPromise
    # Answers that call for the advice; of those, the ones that on their own are a sign of trafficking.
    risky: frozenset[str]
    dangerous: frozenset[str] = frozenset()
    choices: tuple[tuple[str, StrOrPromise], ...] = _YES_NO_UNSURE


QUESTIONS: tuple[Question, ...] = (
    Question(
        "agency",
        _(
            "Apakah Anda direkrut melalui perusahaan penempatan pekerja migran (P3MI) yang berizin dan terdaftar di "
            "Kementerian Ketenagakerjaan dan BP2MI/KP2MI?"
        ),
        _(
            "Hanya perusahaan penempatan (P3MI) yang memegang izin dari Kementerian Ketenagakerjaan yang boleh "
            "menempatkan pekerja migran (UU No. 18 Tahun 2017). Tanyakan nama perusahaannya, lalu periksa ke Dinas "
            "Tenaga Kerja atau BP2MI/KP2MI sebelum menyerahkan dokumen atau uang."
        ),
        risky=frozenset({NO, UNSURE}),
        dangerous=frozenset({NO}),
    ),
    Question(
        "sponsor",
        _(
            "Apakah yang mengajak dan mengurus keberangkatan Anda adalah perorangan — “sponsor”, calo, "
            "atau kenalan — dan bukan petugas perusahaan resmi atau Dinas Tenaga Kerja?"
        ),
        _(
            "Undang-undang melarang perorangan menempatkan pekerja migran. Sponsor atau calo sering menjadi pintu "
            "perdagangan orang. Datanglah sendiri ke Dinas Tenaga Kerja atau ke kantor perusahaan yang berizin, dan "
            "jangan serahkan KTP, KK, atau paspor kepada perorangan."
        ),
        risky=frozenset({YES, UNSURE}),
        dangerous=frozenset({YES}),
    ),
    Question(
        "alone",
        _(
            "Apakah Anda akan berangkat sendiri, tanpa keluarga tahu nama perusahaan, nama majikan, dan alamat "
            "tempat kerja Anda?"
        ),
        _(
            "Jangan berangkat sendiri tanpa sepengetahuan keluarga. Tinggalkan pada keluarga salinan paspor, visa, "
            "dan perjanjian kerja, nama dan alamat perusahaan serta majikan, dan sepakati kapan Anda memberi kabar."
        ),
        risky=frozenset({YES, UNSURE}),
    ),
    Question(
        "documents",
        _("Apakah Anda sudah memegang paspor dan visa kerja — bukan visa turis atau kunjungan — untuk negara tujuan?"),
        _(
            "Bekerja di luar negeri memerlukan paspor dan visa kerja. Dengan visa turis atau kunjungan Anda bekerja "
            "tanpa perlindungan hukum, mudah diperas, dan dapat ditangkap lalu dideportasi. Jangan berangkat "
            "sebelum visa kerja Anda terbit."
        ),
        risky=frozenset({NO, UNSURE}),
        dangerous=frozenset({NO}),
    ),
    Question(
        "contract",
        _(
            "Apakah Anda sudah membaca dan menandatangani perjanjian kerja sebelum berangkat — dalam bahasa yang "
            "Anda pahami, dengan gaji, jam kerja, dan nama majikan tertulis — dan memegang salinannya?"
        ),
        _(
            "Perjanjian kerja harus ditandatangani sebelum berangkat. Bacalah gaji, jam kerja, hari libur, jenis "
            "pekerjaan, serta nama dan alamat majikan. Simpan salinannya, juga fotonya di ponsel, dan tinggalkan "
            "satu salinan pada keluarga. Jangan mau menandatangani perjanjian baru yang lebih buruk di negara tujuan."
        ),
        risky=frozenset({NO, UNSURE}),
        dangerous=frozenset({NO}),
    ),
    Question(
        "registered",
        _("Apakah Anda sudah terdaftar sebagai calon pekerja migran di Dinas Tenaga Kerja kabupaten/kota Anda?"),
        _(
            "Daftarlah di Dinas Tenaga Kerja kabupaten/kota. Dengan terdaftar Anda tercatat oleh pemerintah, "
            "mendapat pembekalan sebelum berangkat dan jaminan sosial, dan dapat dibantu bila terjadi masalah."
        ),
        risky=frozenset({NO, UNSURE}),
    ),
    Question(
        "offer",
        _(
            "Apakah tawarannya terdengar terlalu bagus: gaji sangat tinggi, tanpa perlu keahlian atau pengalaman, "
            "tanpa biaya sama sekali, atau bisa berangkat dalam beberapa hari?"
        ),
        _(
            "Tawaran yang terlalu bagus sering menjadi umpan. Jangan mudah terbujuk rayuan; pikirkan dengan tenang "
            "mengapa seseorang mau membayar mahal untuk pekerjaan tanpa keahlian, dan bandingkan dengan lowongan "
            "resmi di Dinas Tenaga Kerja."
        ),
        risky=frozenset({YES, UNSURE}),
    ),
    Question(
        "passport",
        _("Siapa yang akan memegang paspor Anda selama bekerja di luar negeri?"),
        _(
            "Paspor adalah milik Anda dan harus tetap Anda pegang. Majikan, agen, atau sponsor tidak berhak "
            "menahannya: penahanan dokumen adalah tanda kerja paksa dan perdagangan orang. Simpan foto paspor, visa, "
            "dan perjanjian kerja di ponsel dan pada keluarga."
        ),
        risky=frozenset({"other", UNSURE}),
        dangerous=frozenset({"other"}),
        choices=(("self", _("Saya sendiri")), ("other", _("Majikan, agen, atau sponsor")), (UNSURE, _("Tidak tahu"))),
    ),
    Question(
        "fees",
        _(
            "Apakah Anda diminta membayar biaya besar atau berutang — misalnya dipotong dari gaji nanti — supaya "
            "bisa berangkat?"
        ),
        _(
            "Pekerja migran tidak boleh dibebani biaya penempatan (UU No. 18 Tahun 2017). Utang yang harus dilunasi "
            "dengan bekerja adalah jeratan utang, salah satu cara perdagangan orang (UU No. 21 Tahun 2007). Jangan "
            "membayar atau menandatangani utang; tanyakan biaya resmi ke Dinas Tenaga Kerja atau BP2MI/KP2MI."
        ),
        risky=frozenset({YES, UNSURE}),
        dangerous=frozenset({YES}),
    ),
    Question(
        "route",
        _(
            "Apakah Anda disuruh berangkat lewat jalur tidak resmi — sebagai turis, lewat pelabuhan atau jalan tikus "
            "tanpa pemeriksaan — atau diminta berbohong kepada petugas imigrasi?"
        ),
        _(
            "Berangkat lewat jalur tidak resmi atau sebagai turis berarti bekerja tanpa perlindungan hukum. Orang "
            "yang menyuruh Anda berbohong kepada petugas sedang menempatkan Anda dalam bahaya. Jangan berangkat; "
            "laporkan ke Dinas Tenaga Kerja, BP2MI/KP2MI, atau polisi."
        ),
        risky=frozenset({YES, UNSURE}),
        dangerous=frozenset({YES}),
    ),
    Question(
        "help_abroad",
        _(
            "Apakah Anda tahu siapa yang harus dihubungi bila mendapat masalah di luar negeri, yaitu KBRI atau KJRI "
            "di negara tujuan?"
        ),
        _(
            "Catat alamat dan nomor darurat KBRI/KJRI di negara tujuan sebelum berangkat. Aplikasi Safe Travel "
            "Kementerian Luar Negeri memuatnya dan memungkinkan Anda melapor diri. Simpan juga nomor-nomor resmi di "
            "bawah ini."
        ),
        risky=frozenset({NO, UNSURE}),
    ),
)

# The advice of Dinas Sosial Kabupaten Indramayu (2018), shown before the questions.
REMINDERS: tuple[StrOrPromise, ...] = (
    _("Jangan mudah terbujuk rayuan orang lain."),
    _("Pikirkan setiap ajakan bekerja secara rasional."),
    _("Jangan berangkat ke luar negeri sendiri."),
    _("Jangan berangkat ke luar negeri tanpa dokumen yang sah dari pemerintah."),
)


@dataclass(frozen=True)
class Contact:
    name: StrOrPromise
    purpose: StrOrPromise
    # Dialled as shown. Empty where we could not confirm the number: the service is named without one rather than
    # with a wrong one. Correct or complete here.
    phone: str = ""


OFFICIAL_CONTACTS: tuple[Contact, ...] = (
    Contact(_("Polisi"), _("Keadaan darurat di Indonesia: Anda atau orang lain sedang dalam bahaya."), "110"),
    Contact(
        _("Command Center 171 Kementerian Sosial"),
        _("Pengaduan dan pertolongan sosial, termasuk bagi korban perdagangan orang dan keluarganya."),
        "171",
    ),
    Contact(
        _("SAPA 129 Kementerian Pemberdayaan Perempuan dan Perlindungan Anak"),
        _("Pengaduan kekerasan terhadap perempuan dan anak, termasuk perdagangan orang."),
        "129",
    ),
    Contact(
        _("Crisis Center BP2MI / KP2MI"),
        _(
            "Pengaduan pekerja migran dan keluarganya, dan pemeriksaan apakah perusahaan penempatan berizin. Nomor "
            "resminya ada di situs pemerintah dan di Dinas Tenaga Kerja."
        ),
    ),
    Contact(
        _("Aplikasi Safe Travel Kementerian Luar Negeri"),
        _("Alamat dan nomor darurat KBRI/KJRI di negara tujuan, dan lapor diri. Pasang sebelum berangkat."),
    ),
    Contact(
        _("Dinas Tenaga Kerja kabupaten/kota"),
        _("Pendaftaran calon pekerja migran, lowongan resmi, dan daftar perusahaan penempatan yang berizin."),
    ),
)


class Level(Enum):
    SAFE = "safe"
    CAUTION = "caution"
    DANGER = "danger"


@dataclass(frozen=True)
class Verdict:
    level: Level
    title: StrOrPromise
    summary: StrOrPromise
    concerns: tuple[Question, ...]  # the questions answered riskily, in order: each one's advice is shown


_VERDICTS: dict[Level, tuple[StrOrPromise, StrOrPromise]] = {
    Level.DANGER: (
        _("Tanda bahaya: jangan berangkat dulu"),
        _(
            "Beberapa jawaban Anda adalah tanda umum perekrutan tidak resmi atau perdagangan orang. Jangan "
            "menyerahkan dokumen atau uang, dan jangan berangkat sebelum tawaran ini diperiksa oleh Dinas Tenaga "
            "Kerja atau BP2MI/KP2MI. Bila Anda merasa ditipu, diancam, atau dipaksa, hubungi salah satu layanan di "
            "bawah."
        ),
    ),
    Level.CAUTION: (
        _("Hati-hati: ada yang harus dibereskan"),
        _("Rencana Anda belum lengkap atau ada yang belum jelas. Bereskan hal-hal di bawah sebelum berangkat."),
    ),
    Level.SAFE: (
        _("Rencana Anda tampak sesuai jalur resmi"),
        _(
            "Jawaban Anda tidak menunjukkan tanda bahaya yang umum. Tetap waspada: simpan salinan dokumen, beri kabar "
            "keluarga secara teratur, dan simpan nomor-nomor resmi di bawah."
        ),
    ),
}


def assess(answers: Mapping[str, str]) -> Verdict:
    """The verdict on a completed checklist: danger if any answer is a sign of trafficking on its own, caution if
    any calls for advice, safe otherwise; with the advice for each risky answer."""
    concerns = tuple(question for question in QUESTIONS if answers.get(question.key) in question.risky)
    if any(answers.get(question.key) in question.dangerous for question in QUESTIONS):
        level = Level.DANGER
    elif concerns:
        level = Level.CAUTION
    else:
        level = Level.SAFE
    title, summary = _VERDICTS[level]
    return Verdict(level, title, summary, concerns)
