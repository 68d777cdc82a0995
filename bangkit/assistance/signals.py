"""What the assistance services announce to the apps built on them (which this app may not import)."""

from django.dispatch import Signal

# Sent once the transaction that marked entitlements paid (by the bank or at a handover) has committed, with
# `entitlement_ids`: the livelihoods app schedules their follow-up visits.
entitlements_paid = Signal()
