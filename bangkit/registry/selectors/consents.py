"""Which consents are in force: the one question referrals, data sharing, assistance and statistics ask."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from bangkit.accounts.models import Organisation
from bangkit.registry.choices import ConsentPurpose
from bangkit.registry.models import Consent, Person


def valid_consents(*, person: Person, purpose: str, on: date | None = None) -> list[Consent]:
    day = on or timezone.localdate()
    return list(
        Consent.objects.filter(person=person, purpose=purpose, signed_on__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .prefetch_related("shared_with")
        .order_by("-signed_on", "-id")
    )


def consent_for_sharing(*, person: Person, organisation: Organisation | None, on: date | None = None) -> Consent | None:
    """The data-sharing consent in force that names `organisation`, or that allows sharing with any organisation.

    A referral to an unregistered body (`organisation=None`) needs a sharing consent that names no organisation in
    particular: one recorded as "any organisation" (`shared_with_any`), or an older one naming nobody.
    """
    for consent in valid_consents(person=person, purpose=ConsentPurpose.DATA_SHARING, on=on):
        if consent.shared_with_any:
            return consent
        named = list(consent.shared_with.all())
        if (organisation is None and not named) or (organisation is not None and organisation in named):
            return consent
    return None
