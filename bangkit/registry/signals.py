"""Signals the registry sends for apps above it (cases, programs, assistance) to follow."""

from django.dispatch import Signal

# Sent inside the merge's transaction, after the registry's own records moved from `duplicate` to `survivor`:
# receivers re-point their own rows (cases, enrolments...) and may raise ServiceError to refuse the merge.
# Arguments: survivor (Person), duplicate (Person), actor (User).
person_merged = Signal()

# Sent inside the update's transaction when a person's region changed (they moved): apps that keep a copy of it
# for speed move theirs. Arguments: person (Person, saved), previous_region_id (str).
person_moved = Signal()
