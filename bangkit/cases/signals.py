"""What the case services announce to the apps built on them (which this app may not import)."""

from django.dispatch import Signal

# Sent inside the transaction that recorded an assessment, with `assessment` and `actor`: its risk factors are
# the ministry's, which the livelihoods app scores.
assessment_recorded = Signal()
