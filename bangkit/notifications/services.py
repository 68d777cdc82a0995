"""Notifications to users and messages to people: the helpers other apps call, and the outbox's sender.

Public helpers (names and signatures are kept stable for the apps that call them):

`notify(*, recipients, kind, title, body="", url="", email=True, region=None) -> list[Notification]`
    One in-app notification per active recipient (duplicates and inactive users are skipped), shown under the bell
    of the top bar until read. `kind` is a code registered in `kinds.KINDS` (apps add theirs with `kinds.add_kind`).
    `title` (one line, at most 200 characters) and `body` (at most 2,000) may be lazy translations
    (`gettext_lazy`, `format_lazy`): each recipient gets them in their own language. `url` is a path inside the site
    (`/cases/12/`), never an address elsewhere, and never a personal identifier (no NIK, phone number or e-mail).
    `region` is where the record it is about lies. When `email` is true and the kind is e-mailed, each recipient
    with an address also gets an e-mail once the caller's transaction commits (a task): its title and a link,
    never the body, which stays inside the application. An e-mail the mail server does not take is tried again
    after 10 and 20 minutes (`send_due_messages`), at most BANGKIT_EMAIL_MAX_ATTEMPTS times in all (`retry.EMAIL_RETRY`,
    3); then it stays "failed", shown to administrators on "E-mail gagal terkirim". A caller's mistake (unknown
    kind, an address outside the site, a title too long) raises ValueError: these come from code, not from users.

`message_person(*, actor, person, body, purpose, channel=None) -> OutboxMessage`
    Queues an SMS or WhatsApp message to a registered person, sent by the `send_due_messages` task through the
    configured gateway. Refused with a ServiceError in Indonesian (on the field at fault where there is one) when:
    the actor may not send messages to this person (OutOfJurisdiction, a 404, when they may not even see them);
    the installation has no gateway; the person's record was merged or they are recorded as deceased; the purpose
    or channel is unknown; the body is empty or too long for the channel (SMS 320, WhatsApp 1,000 characters);
    no case-management consent is in force (`CONTACT_CONSENT`); the person has no number of their own
    (`_pick_phone`), or no WhatsApp number when WhatsApp is asked for. `channel=None` takes WhatsApp when one of
    the person's own numbers is marked WhatsApp, else SMS. A message queued in the quiet hours of the person's
    zone waits until they end (`quiet_hours`).

`selectors.unread_count(user) -> int`
    How many of the user's notifications are unread: one COUNT on a partial index.

Consent: contacting a person is part of their case management, so a message needs a consent for
`ConsentPurpose.CASE_MANAGEMENT` in force on the day (in the person's zone) when it is queued, and again when it is
sent: a consent withdrawn or expired in between holds the message back (`suppressed`), as does a person recorded
deceased or merged meanwhile, or a number no longer recorded for them. Whoever queued a message that could not be
delivered is told (`kinds.MESSAGE_UNDELIVERED`).

States (`choices.TRANSITIONS`) change by conditional UPDATEs only, so two senders never send one message twice; each
change writes the message's history (the number and the body masked). Messages and e-mails share their bounded
retries with growing waits (`retry.py`) and their conditional state changes (`_conditional_change`).

When two records of a person are merged, the duplicate's messages move to the survivor (`on_person_merged`).
`notifications_purge` deletes old notifications and finished messages (`manage.py purge_notifications`, daily).
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.audit.history import RowEntry, log_bulk_changed_rows
from bangkit.core.exceptions import ServiceError
from bangkit.notifications import gateways, kinds
from bangkit.notifications.choices import (
    EMAIL_TRANSITIONS,
    TRANSITIONS,
    Channel,
    EmailState,
    MessagePurpose,
    MessageState,
)
from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.notifications.quiet_hours import next_allowed, zone_of
from bangkit.notifications.retry import EMAIL_RETRY, MESSAGE_RETRY
from bangkit.regions.models import Region
from bangkit.registry.choices import ConsentPurpose, PhoneLabel
from bangkit.registry.identifiers import phone_digits
from bangkit.registry.models import Person, Phone
from bangkit.registry.selectors.consents import valid_consents
from bangkit.registry.selectors.details import refuse_merged, require_on_person

logger = logging.getLogger(__name__)

# The consent under which a person may be contacted: reminders are part of their case management.
CONTACT_CONSENT = ConsentPurpose.CASE_MANAGEMENT
MAX_BODY = {Channel.SMS: 320, Channel.WHATSAPP: 1000}
MAX_NOTIFICATION_BODY = 2000
# The wait before the n-th retry of a message is RETRY_DELAY × 2^(n-1): 5, 10, 20, 40 minutes... (retry.py).
RETRY_DELAY = MESSAGE_RETRY.first_delay
# A message still "being sent" this long after its sender took it was lost with its sender (a killed worker). It
# is not tried again: the gateway may have sent it already, and a second reminder is worse than a missing one.
LOST_AFTER = timedelta(minutes=15)
# Long runs of digits look like a NIK, KK, phone or account number; record ids stay far shorter.
_IDENTIFIER_LIKE = re.compile(r"[0-9]{10,}")


# --- Notifications ------------------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """`url` if it is a path of this site holding no personal identifier, else ValueError."""
    if not url:
        return ""
    parts = urlsplit(url)
    if (
        parts.scheme
        or parts.netloc
        or not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or any(char.isspace() or not char.isprintable() for char in url)
    ):
        raise ValueError(f"a notification's url must be a path inside the site, not {url!r}")
    if "@" in url or _IDENTIFIER_LIKE.search(url):
        raise ValueError("a notification's url must not hold a personal identifier (e-mail, NIK, phone number)")
    try:
        resolve(parts.path)
    except Resolver404 as exc:
        raise ValueError(f"a notification's url must name a page of the site, not {parts.path!r}") from exc
    return url


def _text(value: Any, *, limit: int, one_line: bool) -> str:
    text = str(value)
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) > limit:
        raise ValueError(f"a notification's text may hold at most {limit} characters, not {len(text)}")
    return text


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: Any,
    body: Any = "",
    url: str = "",
    email: bool = True,
    region: Region | None = None,
) -> list[Notification]:
    """Tells each active recipient something, in the application and perhaps by e-mail (module docstring)."""
    spec = kinds.KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}: register it with kinds.add_kind")
    url = check_url(url)
    users = list({user.pk: user for user in recipients if user.is_active}.values())
    now = timezone.now()
    notifications = []
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title_text = _text(title, limit=200, one_line=True)
            body_text = _text(body, limit=MAX_NOTIFICATION_BODY, one_line=False)
        if not title_text:
            raise ValueError("a notification needs a title")
        emailed = email and spec.email and bool(user.email)
        notifications.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title_text,
                body=body_text,
                url=url,
                region=region,
                email_state=EmailState.QUEUED if emailed else "",
                email_not_before=now if emailed else None,
            )
        )
    with transaction.atomic():
        created = Notification.objects.bulk_create(notifications)
        queued = [notification.pk for notification in created if notification.email_state == EmailState.QUEUED]
        if queued:
            transaction.on_commit(lambda: _enqueue_emails(queued))
    return created


def _enqueue_emails(notification_ids: list[int]) -> None:
    from bangkit.notifications.tasks import email_notifications

    email_notifications.enqueue(notification_ids)


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Marks the actor's own notification read (once: the first reading time stays)."""
    if notification.recipient_id != actor.pk:
        raise ServiceError(_("Pemberitahuan ini tidak ditemukan."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Marks every unread notification of the actor read; how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def _email_change(
    notification: Notification, source: str, target: str, *, due_by: datetime | None = None, **fields: Any
) -> bool:
    return _conditional_change(
        notification,
        EMAIL_TRANSITIONS,
        source,
        target,
        state_field="email_state",
        attempts_field="email_attempts",
        due_field="email_not_before",
        due_by=due_by,
        **fields,
    )


def _email_error(exc: BaseException) -> str:
    """What staff are shown of a failed e-mail: the kind of error and the mail server's code. Never the exception's
    text, which names the address (\"550 <name@example.org>: user unknown\")."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code = min(code for code, _reply in exc.recipients.values())
    error = type(exc).__name__ + (f" {code}" if isinstance(code, int) else "")
    return _("Server e-mail menolak atau tidak dapat dihubungi (%(error)s).") % {"error": error}


def _email_failed(notification: Notification, error: str, now: datetime) -> str:
    """Records a failed attempt of the notification being sent: queued again after a wait, or failed for good."""
    retry_at = EMAIL_RETRY.next_attempt(now, notification.email_attempts)
    if retry_at is None:
        if not _email_change(notification, EmailState.SENDING, EmailState.FAILED, email_error=error[:300]):
            return ""
        logger.error(
            "e-mail of notification %s failed for good after %s attempts", notification.pk, notification.email_attempts
        )
        return "failed"
    moved = _email_change(
        notification, EmailState.SENDING, EmailState.QUEUED, email_not_before=retry_at, email_error=error[:300]
    )
    return "retry" if moved else ""


def notification_email_send(notification: Notification, *, now: datetime | None = None) -> str:
    """E-mails one notification whose e-mail is due, to its active recipient in their language; what happened:
    "sent", "retry" (tried again after a wait), "failed" (the last attempt failed), "skipped" (the recipient is
    inactive or has no address any more), or "" (not due, or another sender had it). Each is taken by one
    conditional UPDATE, so a task run twice, or the task and the command together, send it once."""
    now = now or timezone.now()
    if notification.email_state != EmailState.QUEUED or (notification.email_not_before or now) > now:
        return ""
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        return "skipped" if _email_change(notification, EmailState.QUEUED, EmailState.SKIPPED) else ""
    attempts = notification.email_attempts + 1
    # While it is being sent, email_not_before says since when: the clock's time, not `now`, which a long run of
    # the command read at its start (a second run would take this e-mail for lost).
    taken = _email_change(
        notification,
        EmailState.QUEUED,
        EmailState.SENDING,
        due_by=now,
        email_attempts=attempts,
        email_not_before=timezone.now(),
    )
    if not taken:
        return ""
    link = settings.BANGKIT_SITE_URL + (notification.url or reverse("notifications:list"))
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = f"[Bangkit] {notification.title}"
        text = render_to_string(
            "notifications/email.txt", {"notification": notification, "recipient": recipient, "link": link}
        )
    try:
        send_mail(subject, text, None, [recipient.email])
    except Exception as exc:  # noqa: BLE001 - any mail failure is tried again, within the bound
        # Only the type: a mail server's reply quotes the address.
        logger.warning(
            "e-mail of notification %s failed (attempt %s): %s", notification.pk, attempts, type(exc).__name__
        )
        with translation.override(settings.LANGUAGE_CODE):
            return _email_failed(notification, _email_error(exc), now)
    _email_change(
        notification,
        EmailState.SENDING,
        EmailState.SENT,
        emailed_at=timezone.now(),
        email_not_before=None,
        email_error="",
    )
    return "sent"


def notifications_email(notification_ids: Sequence[int]) -> int:
    """E-mails those of the notifications whose e-mail is due (`notification_email_send`); how many were handed to
    the mail server. Queued by `notify` when its caller's transaction commits."""
    pending = Notification.objects.filter(pk__in=list(notification_ids), email_state=EmailState.QUEUED)
    now = timezone.now()
    return sum(
        notification_email_send(notification, now=now) == "sent" for notification in pending.select_related("recipient")
    )


def notifications_email_due(*, now: datetime | None = None, limit: int = 1000) -> SendReport:
    """E-mails up to `limit` notifications whose e-mail is due (first ones whose task was lost, retries whose wait is
    over), oldest due first, after putting back in the queue (or failing, after the last attempt) those whose
    sender was lost while sending them. Run by `send_due_messages`."""
    report = SendReport()
    now = now or timezone.now()
    lost = Notification.objects.filter(email_state=EmailState.SENDING, email_not_before__lt=now - LOST_AFTER)
    with translation.override(settings.LANGUAGE_CODE):
        for notification in lost:
            if _email_failed(notification, _("Pengiriman e-mail terputus sebelum selesai."), now):
                report.add("lost")
    due = (
        Notification.objects.filter(email_state=EmailState.QUEUED, email_not_before__lte=now)
        .select_related("recipient")
        .order_by("email_not_before", "id")[:limit]
    )
    for notification in list(due):
        report.add(notification_email_send(notification, now=now))
    return report


# --- Messages to people -------------------------------------------------------------------------------------


def _local_today(person: Person, now: datetime) -> Any:
    return now.astimezone(zone_of(person.region_id)).date()


def _pick_phone(person: Person, channel: str | None) -> tuple[str, str]:
    """(number, channel): one of the person's own numbers. A family member's or neighbour's phone is never used: it
    may be read by the very people the person needs protecting from, and the consent is the person's own."""
    own = list(Phone.objects.filter(person=person, label=PhoneLabel.OWN).order_by("id"))
    if not own:
        if Phone.objects.filter(person=person).exists():
            raise ServiceError(
                _(
                    "Orang ini belum punya nomor milik sendiri. Pesan tidak dikirim ke nomor keluarga atau tetangga: "
                    "orang lain dapat membacanya."
                ),
                field="channel",
            )
        raise ServiceError(_("Orang ini belum punya nomor telepon yang tercatat."), field="channel")
    whatsapp = [phone for phone in own if phone.is_whatsapp]
    if channel == Channel.WHATSAPP and not whatsapp:
        raise ServiceError(_("Tidak ada nomor milik orang ini yang ditandai WhatsApp."), field="channel")
    if channel is None:
        channel = Channel.WHATSAPP if whatsapp else Channel.SMS
    phone = whatsapp[0] if channel == Channel.WHATSAPP else own[0]
    digits = phone_digits(phone.number or "")
    if not 8 <= len(digits) <= 15:
        raise ServiceError(_("Nomor telepon orang ini tidak lengkap; perbaiki dulu di data orangnya."), field="channel")
    return digits, channel


@transaction.atomic
def message_person(
    *, actor: User, person: Person, body: str, purpose: str, channel: str | None = None
) -> OutboxMessage:
    """Queues a message to `person` (module docstring: when it is refused, which number, quiet hours)."""
    require_on_person(actor, OutboxMessage, "add", person)
    channel = channel or None
    if not gateways.configured():
        raise ServiceError(_("Pengiriman SMS/WhatsApp belum diaktifkan di instalasi ini."))
    refuse_merged(person)
    if person.deceased_on is not None:
        raise ServiceError(_("Orang ini tercatat sudah meninggal."))
    if purpose not in MessagePurpose.values:
        raise ServiceError(_("Pilih keperluan pesan."), field="purpose")
    if channel not in (None, *Channel.values):
        raise ServiceError(_("Pilih SMS atau WhatsApp."), field="channel")
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Tulis isi pesan."), field="body")
    now = timezone.now()
    if not valid_consents(person=person, purpose=CONTACT_CONSENT, on=_local_today(person, now)):
        raise ServiceError(
            _(
                "Orang ini tidak punya persetujuan manajemen kasus yang berlaku, jadi tidak boleh dihubungi lewat "
                "pesan. Catat persetujuannya dulu."
            )
        )
    number, channel = _pick_phone(person, channel)
    limit = MAX_BODY[Channel(channel)]
    if len(body) > limit:
        raise ServiceError(
            _("Pesan %(channel)s paling panjang %(limit)d karakter; ini %(length)d.")
            % {"channel": Channel(channel).label, "limit": limit, "length": len(body)},
            field="body",
        )
    message = OutboxMessage(
        person=person,
        channel=channel,
        phone=number,
        body=body,
        purpose=purpose,
        not_before=next_allowed(now, person.region_id),
        created_by=actor,
    )
    message.full_clean()
    message.save()
    if message.not_before <= now:
        message_id = message.pk
        transaction.on_commit(lambda: _enqueue_send(message_id))
    return message


def _enqueue_send(message_id: int) -> None:
    from bangkit.notifications.tasks import send_outbox_message

    send_outbox_message.enqueue(message_id)


def _conditional_change(
    record: Any,
    transitions: frozenset[tuple[str, str]],
    source: str,
    target: str,
    *,
    state_field: str,
    attempts_field: str,
    due_field: str,
    due_by: datetime | None = None,
    **fields: Any,
) -> bool:
    """Moves `record` (an outbox message, or a notification's e-mail) from `source` to `target` with `fields` if it
    is still in `source` with the attempts it was read with (and due by `due_by`, if given); True if it moved. The
    database decides, by one conditional UPDATE, so that of two senders only one takes it."""
    assert (source, target) in transitions, f"no transition {source} → {target}"
    rows = type(record)._default_manager.filter(
        pk=record.pk, **{state_field: source, attempts_field: getattr(record, attempts_field)}
    )
    if due_by is not None:
        rows = rows.filter(**{f"{due_field}__lte": due_by})
    values = {state_field: target, **fields}
    if not rows.update(**values):
        return False
    for name, value in values.items():
        setattr(record, name, value)
    return True


def _change(
    message: OutboxMessage,
    source: str,
    target: str,
    *,
    actor: Any = None,
    due_by: datetime | None = None,
    **fields: Any,
) -> bool:
    """Moves `message` from `source` to `target` with `fields` (`_conditional_change`); True if it moved, and then
    the winner writes the history."""
    values = {"state": target, **fields}
    before = {name: getattr(message, name) for name in values}
    moved = _conditional_change(
        message,
        TRANSITIONS,
        source,
        target,
        state_field="state",
        attempts_field="attempts",
        due_field="not_before",
        due_by=due_by,
        updated_at=timezone.now(),
        **fields,
    )
    if not moved:
        return False
    log_bulk_changed_rows(
        OutboxMessage,
        [
            RowEntry(
                message.pk,
                str(message),
                message.person.region_id,
                {name: (before[name], value) for name, value in values.items()},
            )
        ],
        actor=actor,
    )
    return True


def outbox_message_cancel(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """Cancels a message still waiting to be sent."""
    require_on_person(actor, OutboxMessage, "change", message.person)
    if not _change(message, MessageState.QUEUED, MessageState.CANCELLED, actor=actor):
        message.refresh_from_db()
        raise ServiceError(
            _("Pesan ini tidak dapat dibatalkan lagi (status: %(state)s).") % {"state": message.get_state_display()}
        )
    return message


def _suppression_reason(message: OutboxMessage, now: datetime) -> str:
    """Why a due message must not go after all, or ""."""
    person = message.person
    if person.deceased_on is not None:
        return _("Orang ini tercatat sudah meninggal.")
    if person.merged_into_id is not None:
        return _("Data orang ini sudah digabung ke data lain.")
    if not valid_consents(person=person, purpose=CONTACT_CONSENT, on=_local_today(person, now)):
        return _("Persetujuan manajemen kasus orang ini tidak berlaku lagi.")
    if not Phone.objects.filter(person=person, label=PhoneLabel.OWN).filter_exact(number=message.phone).exists():
        return _("Nomor ini tidak lagi tercatat sebagai nomor milik orang ini.")
    return ""


def _tell_creator(message: OutboxMessage) -> None:
    creator = message.created_by
    with translation.override(creator.language or settings.LANGUAGE_CODE):
        title = _("Pesan %(message)s tidak terkirim") % {"message": message}
    notify(
        recipients=[creator],
        kind=kinds.MESSAGE_UNDELIVERED.code,
        title=title,
        body=message.last_error,
        url=message.get_absolute_url(),
        region=message.person.region,
    )


def outbox_send(message_id: int, *, now: datetime | None = None, gateway: gateways.MessageGateway | None = None) -> str:
    """Sends one due message if it is still queued; what happened: "sent", "retry", "failed", "suppressed",
    "postponed" (quiet hours), or "" (not due, or another sender had it)."""
    message = OutboxMessage.objects.select_related("person__region", "created_by").filter(pk=message_id).first()
    now = now or timezone.now()
    if message is None or message.state != MessageState.QUEUED or message.not_before > now:
        return ""
    # What the sender stores is in the service's working language, whoever's request ran it.
    with translation.override(settings.LANGUAGE_CODE):
        reason = _suppression_reason(message, now)
        if reason:
            if _change(message, MessageState.QUEUED, MessageState.SUPPRESSED, last_error=reason):
                _tell_creator(message)
                return "suppressed"
            return ""
        allowed = next_allowed(now, message.person.region_id)
        if allowed > now:
            moved = _change(message, MessageState.QUEUED, MessageState.QUEUED, not_before=allowed)
            return "postponed" if moved else ""
        taken = _change(message, MessageState.QUEUED, MessageState.SENDING, due_by=now, attempts=message.attempts + 1)
        if not taken:
            return ""
        return _deliver(message, gateway or gateways.get_gateway(), now)


def _deliver(message: OutboxMessage, gateway: gateways.MessageGateway, now: datetime) -> str:
    """Hands the taken message to the gateway, outside any transaction, and records the outcome."""
    try:
        gateway_id = gateway.send(message)
    except gateways.GatewayError as exc:
        error, permanent = exc.message, exc.permanent
    except Exception as exc:  # noqa: BLE001 - a broken gateway must not leave the message "being sent"
        # Only the type: a gateway's own exception text may quote the number or the body.
        logger.error("outbox message %s: the gateway raised %s", message.pk, type(exc).__name__)
        error, permanent = _("Galat pada gateway (%(error)s).") % {"error": type(exc).__name__}, False
    else:
        _change(
            message,
            MessageState.SENDING,
            MessageState.SENT,
            sent_at=timezone.now(),
            gateway_message_id=str(gateway_id)[:100],
            last_error="",
        )
        return "sent"
    error = error[:300]
    retry_at = MESSAGE_RETRY.next_attempt(now, message.attempts, permanent=permanent)
    if retry_at is None:
        _change(message, MessageState.SENDING, MessageState.FAILED, last_error=error)
        _tell_creator(message)
        return "failed"
    retry_at = next_allowed(retry_at, message.person.region_id)
    _change(message, MessageState.SENDING, MessageState.QUEUED, not_before=retry_at, last_error=error)
    return "retry"


@dataclass
class SendReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        if outcome:
            self.counts[outcome] = self.counts.get(outcome, 0) + 1


def outbox_send_due(*, now: datetime | None = None, limit: int = 1000) -> SendReport:
    """Sends up to `limit` due messages, oldest due first, and fails those lost while being sent (`LOST_AFTER`).
    Safe to run on several workers at once: each message is taken by one conditional UPDATE."""
    report = SendReport()
    now = now or timezone.now()
    lost = OutboxMessage.objects.select_related("person__region", "created_by").filter(
        state=MessageState.SENDING, updated_at__lt=now - LOST_AFTER
    )
    with translation.override(settings.LANGUAGE_CODE):
        for message in lost:
            error = _("Pengiriman terputus; pesan mungkin sudah terkirim, jadi tidak dicoba lagi.")
            if _change(message, MessageState.SENDING, MessageState.FAILED, last_error=error):
                _tell_creator(message)
                report.add("lost")
    if not gateways.configured():
        logger.warning("outbox: no MESSAGE_GATEWAY is configured; queued messages wait")
        return report
    gateway = gateways.get_gateway()
    due = (
        OutboxMessage.objects.filter(state=MessageState.QUEUED, not_before__lte=now)
        .order_by("not_before", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in list(due):
        report.add(outbox_send(message_id, now=now, gateway=gateway))
    return report


# --- Following a person merge -------------------------------------------------------------------------------


def on_person_merged(sender: Any, *, survivor: Person, duplicate: Person, actor: Any, **kwargs: Any) -> None:
    """Receiver of `registry.signals.person_merged`, inside the merge's transaction: the duplicate's messages move to
    the survivor, like everything else the duplicate owned. A message still queued is then sent to the survivor,
    whose record now holds the duplicate's numbers and consents, and the sender checks those again before it goes
    (otherwise it would be held back as "merged", and a reminder the person needs would be lost). Messages already
    sent, failed or held back move too, so that the survivor's "Pesan" tab shows every message the person got.
    Each is saved on its own, so that the history shows the move."""
    for message in OutboxMessage.objects.filter(person=duplicate).order_by("pk"):
        message.person = survivor
        message.save(update_fields=["person", "updated_at"])


# --- Retention ----------------------------------------------------------------------------------------------

# Defaults of the retention periods, in days; an installation changes them with the settings named below, and
# `manage.py purge_notifications` with its options.
READ_NOTIFICATION_DAYS = 180  # BANGKIT_NOTIFICATION_READ_RETENTION_DAYS
UNREAD_NOTIFICATION_DAYS = 365  # BANGKIT_NOTIFICATION_UNREAD_RETENTION_DAYS
OUTBOX_DAYS = 365  # BANGKIT_OUTBOX_RETENTION_DAYS
PURGE_BATCH = 1000
# A message in one of these states will not change any more; a queued or sending one is never purged.
FINISHED_STATES = (MessageState.SENT, MessageState.FAILED, MessageState.SUPPRESSED, MessageState.CANCELLED)


@dataclass(frozen=True)
class Retention:
    read_days: int = READ_NOTIFICATION_DAYS
    unread_days: int = UNREAD_NOTIFICATION_DAYS
    outbox_days: int = OUTBOX_DAYS

    @classmethod
    def configured(cls) -> Retention:
        """The installation's retention periods (settings, else the defaults)."""
        return cls(
            read_days=int(getattr(settings, "BANGKIT_NOTIFICATION_READ_RETENTION_DAYS", READ_NOTIFICATION_DAYS)),
            unread_days=int(getattr(settings, "BANGKIT_NOTIFICATION_UNREAD_RETENTION_DAYS", UNREAD_NOTIFICATION_DAYS)),
            outbox_days=int(getattr(settings, "BANGKIT_OUTBOX_RETENTION_DAYS", OUTBOX_DAYS)),
        )

    def __post_init__(self) -> None:
        for name in ("read_days", "unread_days", "outbox_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"a retention period must be at least one day, not {name}={getattr(self, name)}")


@dataclass(frozen=True)
class PurgeReport:
    read: int = 0  # read notifications deleted
    unread: int = 0  # unread notifications deleted
    outbox: int = 0  # outbox messages deleted


def _delete_in_batches(rows: Any, batch: int) -> int:
    """Deletes `rows` `batch` at a time, each batch its own short transaction (so that a million rows neither hold
    one long transaction nor lock the table for long), walking the primary key upwards so that no batch scans again
    what an earlier one passed. Without signals: deleting by the retention policy is no one's decision, and a
    history entry per row would write a million entries to say so (the history of each message stays)."""
    deleted, after = 0, 0
    while True:
        ids = list(rows.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        with transaction.atomic():
            chunk = rows.model._default_manager.filter(pk__in=ids)
            deleted += int(chunk._raw_delete(chunk.db))
        after = ids[-1]


def notifications_purge(
    *, retention: Retention | None = None, now: datetime | None = None, batch: int = PURGE_BATCH
) -> PurgeReport:
    """Deletes the in-app notifications read and older than `retention.read_days`, the unread ones older than
    `retention.unread_days`, and the outbox messages that are finished (sent, failed, held back, cancelled) and
    older than `retention.outbox_days`; how many of each. A notification whose e-mail is still pending and a
    message still queued are kept. Safe to run at any time, on several machines at once."""
    retention = retention or Retention.configured()
    if batch < 1:
        raise ValueError("the batch must hold at least one row")
    now = now or timezone.now()
    pending_email = (EmailState.QUEUED, EmailState.SENDING)
    notifications = Notification.objects.exclude(email_state__in=pending_email)
    read = notifications.filter(read_at__isnull=False, created_at__lt=now - timedelta(days=retention.read_days))
    unread = notifications.filter(read_at__isnull=True, created_at__lt=now - timedelta(days=retention.unread_days))
    finished = OutboxMessage.objects.filter(
        state__in=FINISHED_STATES, created_at__lt=now - timedelta(days=retention.outbox_days)
    )
    report = PurgeReport(
        read=_delete_in_batches(read, batch),
        unread=_delete_in_batches(unread, batch),
        outbox=_delete_in_batches(finished, batch),
    )
    logger.info(
        "purged %s read and %s unread notifications, %s outbox messages", report.read, report.unread, report.outbox
    )
    return report
