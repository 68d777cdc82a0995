"""Demo notifications and messages to people, so that the bell, the notification list and the outbox are not empty
after `make run`.

- `pendamping@lks-rpk` (the Kupang case worker) sent SMS and WhatsApp reminders to the Kupang people she registered
  who consented to case management: two went out, two wait in the queue (one of them after a busy gateway, for its
  second attempt), one was refused by the operator for good, and one — to a girl's number that turned out to be her
  mother's — was held back before it went. She was told of the last two (one notification still unread).
- She and `supervisor@dinsos-kupang` have a few notifications of their own, some read, some not.

Times are counted back from the moment of loading, in the people's zone (WITA), outside the quiet hours. The rows
are written directly, in the states the sender would have left them in, so that the demo does not depend on the
time of day, the gateway or a running worker; nothing is sent, and nothing is e-mailed. Loading again adds nothing: a
message is there already when its person has one with the same text from the same case worker, a notification when
its recipient has one with the same title.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.core.exceptions import ServiceError
from bangkit.notifications import kinds, services
from bangkit.notifications.choices import Channel, MessagePurpose, MessageState
from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.notifications.quiet_hours import zone_of
from bangkit.regions.models import Region
from bangkit.registry.demo import DEMO_PEOPLE_BY_KEY, demo_history, demo_user, demo_user_holding, find_demo_person
from bangkit.registry.identifiers import phone_digits
from bangkit.registry.models import Person, Phone
from bangkit.registry.selectors.consents import valid_consents

KUPANG = "53.01"
WORKER_ORGANISATION = "lks-rpk"
SUPERVISOR_ORGANISATION = "dinsos-kupang"
ADD_MESSAGE = "notifications.add_outboxmessage"
GATEWAY_BUSY = "Gateway sibuk (503); dicoba lagi nanti."
NUMBER_REFUSED = "Nomor tidak aktif atau tidak terdaftar di operator."


@dataclass(frozen=True)
class DemoMessage:
    person: str  # key of a registry demo person
    purpose: str
    channel: str
    body: str
    state: str
    days_ago: int  # when it was written (0: shortly before loading)
    at: time = time(9, 0)  # local time it was written, on a past day
    attempts: int = 0
    last_error: str = ""
    own_number: bool = True  # False: to the person's first number, which is no longer recorded as their own


DEMO_MESSAGES = (
    DemoMessage(
        "maria-ndun",
        MessagePurpose.APPOINTMENT,
        Channel.SMS,
        "Selamat pagi Mama Maria. Kami dari Rumah Perempuan Kupang datang ke rumah hari Kamis pukul 10.00 untuk "
        "kunjungan rutin. Balas SMS ini bila waktunya tidak cocok.",
        MessageState.SENT,
        days_ago=6,
        at=time(8, 40),
        attempts=1,
    ),
    DemoMessage(
        "yohanes-tefa",
        MessagePurpose.EVENT,
        Channel.WHATSAPP,
        "Pengingat: bimbingan pembukuan usaha kecil di Aula Dinas Sosial Kabupaten Kupang, Senin pukul 09.00 WITA. "
        "Mohon bawa KTP dan buku catatan. Terima kasih.",
        MessageState.SENT,
        days_ago=3,
        at=time(10, 15),
        attempts=1,
    ),
    DemoMessage(
        "agustina-seran",
        MessagePurpose.ASSISTANCE,
        Channel.SMS,
        "Ibu Agustina, bantuan stimulan usaha tahap kedua dapat diambil di kantor Dinas Sosial Kabupaten Kupang mulai "
        "Senin. Bawa KTP dan buku tabungan.",
        MessageState.QUEUED,
        days_ago=0,
        attempts=1,
        last_error=GATEWAY_BUSY,
    ),
    DemoMessage(
        "dorkas-nomleni",
        MessagePurpose.FOLLOW_UP,
        Channel.SMS,
        "Ibu Dorkas, besok siang kami menelepon untuk menanyakan kabar usaha kue. Terima kasih. Rumah Perempuan Kupang",
        MessageState.QUEUED,
        days_ago=0,
    ),
    DemoMessage(
        "petrus-nubatonis",
        MessagePurpose.APPOINTMENT,
        Channel.SMS,
        "Bapak Petrus, kami datang ke Camplong hari Selasa pukul 11.00 untuk kunjungan tindak lanjut usaha ternak.",
        MessageState.FAILED,
        days_ago=9,
        at=time(14, 5),
        attempts=1,
        last_error=NUMBER_REFUSED,
    ),
    DemoMessage(
        "marselina-tanaem",
        MessagePurpose.APPOINTMENT,
        Channel.SMS,
        "Adik Marselina, jadwal konseling hari Rabu pukul 10.00 di Rumah Perempuan Kupang. Sampai bertemu.",
        MessageState.SUPPRESSED,
        days_ago=12,
        at=time(16, 30),
        own_number=False,
    ),
)


@dataclass(frozen=True)
class DemoNotification:
    organisation: str  # the recipient is the case worker of lks-rpk or the supervisor of dinsos-kupang
    role: str
    title: str
    body: str
    url_name: str  # "" for none
    days_ago: int
    read: bool
    at: time = time(8, 0)


DEMO_NOTIFICATIONS = (
    DemoNotification(
        SUPERVISOR_ORGANISATION,
        Role.SUPERVISOR,
        "Kemungkinan data ganda menunggu keputusan Anda",
        "Dua data di Kabupaten Kupang mirip satu sama lain (nama mirip, tanggal lahir sama). Tinjau lalu gabungkan "
        "atau tandai sebagai orang yang berbeda.",
        "registry:duplicate_list",
        days_ago=1,
        read=False,
        at=time(11, 20),
    ),
    DemoNotification(
        SUPERVISOR_ORGANISATION,
        Role.SUPERVISOR,
        "Rencana intervensi menunggu persetujuan",
        "Pendamping LKS Rumah Perempuan Kupang mengajukan rencana intervensi untuk disetujui.",
        "cases:case_list",
        days_ago=2,
        read=False,
        at=time(15, 45),
    ),
    DemoNotification(
        SUPERVISOR_ORGANISATION,
        Role.SUPERVISOR,
        "Kunjungan tindak lanjut 12 bulan sudah dijadwalkan",
        "Kunjungan 12 bulan penerima bantuan stimulan Kupang 2019 masuk daftar kerja. Kunjungan yang lewat 14 hari "
        "menjadi tugas pendamping.",
        "livelihoods:worklist",
        days_ago=12,
        read=True,
    ),
    DemoNotification(
        SUPERVISOR_ORGANISATION,
        Role.SUPERVISOR,
        "Pemeliharaan sistem Sabtu pukul 22.00–24.00 WITA",
        "Bangkit tidak dapat dipakai selama pemeliharaan. Simpan pekerjaan Anda sebelum pukul 22.00.",
        "",
        days_ago=30,
        read=True,
        at=time(13, 0),
    ),
    DemoNotification(
        WORKER_ORGANISATION,
        Role.CASE_WORKER,
        "Tugas baru: kunjungan rumah minggu ini",
        "Supervisor Dinas Sosial Kabupaten Kupang meminta kunjungan rumah sebelum Jumat.",
        "cases:my_tasks",
        days_ago=1,
        read=False,
        at=time(9, 30),
    ),
    DemoNotification(
        WORKER_ORGANISATION,
        Role.CASE_WORKER,
        "Rujukan baru dari BP3MI NTT",
        "Satu orang yang dipulangkan lewat Nunukan dirujuk ke LKS Rumah Perempuan Kupang. Daftarkan dan lakukan "
        "asesmen awal.",
        "registry:person_list",
        days_ago=8,
        read=True,
        at=time(10, 10),
    ),
    DemoNotification(
        WORKER_ORGANISATION,
        Role.CASE_WORKER,
        "Pemeliharaan sistem Sabtu pukul 22.00–24.00 WITA",
        "Bangkit tidak dapat dipakai selama pemeliharaan. Simpan pekerjaan Anda sebelum pukul 22.00.",
        "",
        days_ago=30,
        read=True,
        at=time(13, 0),
    ),
)


def _moment(now: datetime, days_ago: int, at: time) -> datetime:
    """`at` o'clock in Kupang `days_ago` days before `now`; shortly before `now` for 0 days."""
    if days_ago == 0:
        return now - timedelta(minutes=40)
    day = now.astimezone(zone_of(KUPANG)).date() - timedelta(days=days_ago)
    return datetime.combine(day, at, tzinfo=zone_of(KUPANG))


def _number(spec: DemoMessage, person: Person) -> str | None:
    """The number the message went to: one of the person's own (as `message_person` would pick), or for a message
    held back, the first number recorded for them, which is no longer theirs; None when there is none."""
    if spec.own_number:
        try:
            number, _channel = services._pick_phone(person, spec.channel)
        except ServiceError:
            return None
        return number
    phone = Phone.objects.filter(person=person).order_by("pk").first()
    return phone_digits(phone.number or "") if phone is not None else None


def _tell(worker: User, message: OutboxMessage, when: datetime, read: bool) -> None:
    """The notification the sender gives whoever queued a message that could not go (`services._tell_creator`),
    without its e-mail: it is a thing of the past."""
    with translation.override(worker.language or settings.LANGUAGE_CODE):
        title = _("Pesan %(message)s tidak terkirim") % {"message": message}
    created = services.notify(
        recipients=[worker],
        kind=kinds.MESSAGE_UNDELIVERED.code,
        title=title,
        body=message.last_error,
        url=message.get_absolute_url(),
        region=message.person.region,
        email=False,
    )
    Notification.objects.filter(pk__in=[notification.pk for notification in created]).update(
        created_at=when, read_at=when + timedelta(hours=2) if read else None
    )


def _message(spec: DemoMessage, worker: User, person: Person, now: datetime) -> OutboxMessage | None:
    number = _number(spec, person)
    if number is None:
        return None
    written = _moment(now, spec.days_ago, spec.at)
    taken = written + timedelta(minutes=1)
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Nomor ini tidak lagi tercatat sebagai nomor milik orang ini.")
    message = OutboxMessage(
        person=person,
        channel=spec.channel,
        phone=number,
        body=spec.body,
        purpose=spec.purpose,
        state=spec.state,
        not_before=written,
        attempts=spec.attempts,
        last_error=reason if spec.state == MessageState.SUPPRESSED else spec.last_error,
        created_by=worker,
    )
    if spec.state == MessageState.SENT:
        message.sent_at = taken
    if spec.state == MessageState.QUEUED and spec.attempts:
        # Its first attempt found the gateway busy: the second is due after the wait.
        message.not_before = taken + services.MESSAGE_RETRY.delay(spec.attempts)
    message.full_clean()
    with set_actor(worker):
        message.save()
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=written, updated_at=taken if spec.attempts else written
    )
    if spec.state == MessageState.SENT:
        OutboxMessage.objects.filter(pk=message.pk).update(gateway_message_id=f"demo-{message.pk}")
    if spec.state in (MessageState.FAILED, MessageState.SUPPRESSED):
        # The failed one is still unread; the held-back one she read, and corrected the girl's number since.
        _tell(worker, message, taken, read=spec.state == MessageState.SUPPRESSED)
    return message


def _load_messages(now: datetime) -> tuple[int, int, list[str]]:
    new = existing = 0
    skipped: list[str] = []
    for spec in DEMO_MESSAGES:
        person = find_demo_person(DEMO_PEOPLE_BY_KEY[spec.person])
        worker = (
            demo_user_holding(WORKER_ORGANISATION, Role.CASE_WORKER, ADD_MESSAGE, person.region_id)
            if person is not None
            else None
        )
        if person is None or worker is None:
            skipped.append(spec.person)
            continue
        earlier = OutboxMessage.objects.filter(person=person, purpose=spec.purpose, created_by=worker).only("body")
        if any(message.body == spec.body for message in earlier):  # a few rows, decrypted to compare
            existing += 1
            continue
        on = _moment(now, spec.days_ago, spec.at).astimezone(zone_of(KUPANG)).date()
        if person.merged_into_id is not None or not valid_consents(
            person=person, purpose=services.CONTACT_CONSENT, on=on
        ):
            skipped.append(spec.person)  # never to someone who did not consent, even in the demo
            continue
        if _message(spec, worker, person, now) is None:
            skipped.append(spec.person)
            continue
        new += 1
    return new, existing, skipped


def _load_notifications(now: datetime) -> tuple[int, int]:
    new = existing = 0
    region = Region.objects.filter(pk=KUPANG).first()
    for spec in DEMO_NOTIFICATIONS:
        recipient = demo_user(spec.organisation, spec.role)
        if recipient is None:
            continue
        if Notification.objects.filter(recipient=recipient, title=spec.title).exists():
            existing += 1
            continue
        created = services.notify(
            recipients=[recipient],
            kind=kinds.GENERAL.code,
            title=spec.title,
            body=spec.body,
            url=reverse(spec.url_name) if spec.url_name else "",
            region=region,
            email=False,
        )
        when = _moment(now, spec.days_ago, spec.at)
        Notification.objects.filter(pk__in=[notification.pk for notification in created]).update(
            created_at=when, read_at=when + timedelta(hours=3) if spec.read else None
        )
        new += 1
    return new, existing


def load_demo_notifications() -> list[str]:
    """Adds the demo messages and notifications that are not there yet. Returns the lines `load_demo` prints."""
    now = timezone.now()
    with demo_history():
        messages_new, messages_existing, skipped = _load_messages(now)
        notifications_new, notifications_existing = _load_notifications(now)
    lines = [
        f"{messages_new + messages_existing} demo messages to Kupang people ({messages_new} new)",
        f"{notifications_new + notifications_existing} demo notifications ({notifications_new} new)",
    ]
    if skipped:
        lines.append(
            f"{len(skipped)} demo messages left out (person not registered or not to be contacted, or the Kupang "
            f"case worker is missing or may not message them): {', '.join(skipped)}"
        )
    return lines
