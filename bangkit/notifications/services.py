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
    never the body, which stays inside the application. A caller's mistake (unknown kind, an address outside the
    site, a title too long) raises ValueError: these come from code, not from users.

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
change writes the message's history (the number and the body masked).
"""

from __future__ import annotations

import logging
import re
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
from bangkit.notifications.choices import TRANSITIONS, Channel, MessagePurpose, MessageState
from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.notifications.quiet_hours import next_allowed, zone_of
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
# The wait before the n-th retry is RETRY_DELAY × 2^(n-1): 5, 10, 20, 40 minutes...
RETRY_DELAY = timedelta(minutes=5)
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
    notifications = []
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title_text = _text(title, limit=200, one_line=True)
            body_text = _text(body, limit=MAX_NOTIFICATION_BODY, one_line=False)
        if not title_text:
            raise ValueError("a notification needs a title")
        notifications.append(
            Notification(recipient=user, kind=kind, title=title_text, body=body_text, url=url, region=region)
        )
    with transaction.atomic():
        created = Notification.objects.bulk_create(notifications)
        emailed = [notification.pk for notification in created if notification.recipient.email]
        if email and spec.email and emailed:
            transaction.on_commit(lambda: _enqueue_emails(emailed))
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


def notifications_email(notification_ids: Sequence[int]) -> int:
    """E-mails the notifications not yet e-mailed, each to its active recipient in their language; how many were
    handed to the mail server. A failure is logged (without the address) and the notification left unsent."""
    sent = 0
    pending = Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
    for notification in pending.select_related("recipient"):
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            continue
        # Taken by one sender only: a task run twice sends each e-mail once.
        if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue
        link = settings.BANGKIT_SITE_URL + (notification.url or reverse("notifications:list"))
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            subject = f"[Bangkit] {notification.title}"
            text = render_to_string(
                "notifications/email.txt", {"notification": notification, "recipient": recipient, "link": link}
            )
        try:
            send_mail(subject, text, None, [recipient.email])
        except Exception as exc:  # noqa: BLE001 - any mail failure leaves the notification for another attempt
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            logger.warning("e-mail of notification %s failed: %s", notification.pk, type(exc).__name__)
            continue
        sent += 1
    return sent


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


def _change(
    message: OutboxMessage,
    source: str,
    target: str,
    *,
    actor: Any = None,
    due_by: datetime | None = None,
    **fields: Any,
) -> bool:
    """Moves `message` from `source` to `target` with `fields` if it is still in `source` with the attempts it was
    read with (and due by `due_by`, if given); True if it moved. The database decides (one conditional UPDATE); the
    winner writes the history."""
    assert (source, target) in TRANSITIONS, f"no transition {source} → {target}"
    values = {"state": target, **fields}
    before = {name: getattr(message, name) for name in values}
    rows = OutboxMessage.objects.filter(pk=message.pk, state=source, attempts=message.attempts)
    if due_by is not None:
        rows = rows.filter(not_before__lte=due_by)
    moved = rows.update(updated_at=timezone.now(), **values)
    if not moved:
        return False
    for name, value in values.items():
        setattr(message, name, value)
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
    if permanent or message.attempts >= settings.BANGKIT_MESSAGE_MAX_ATTEMPTS:
        _change(message, MessageState.SENDING, MessageState.FAILED, last_error=error)
        _tell_creator(message)
        return "failed"
    retry_at = next_allowed(now + RETRY_DELAY * 2 ** (message.attempts - 1), message.person.region_id)
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
