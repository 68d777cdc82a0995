"""The re-trafficking risk instrument: which factors a source shows, and the score they make under the weights.

A score is the sum of the weights of the factors present (0–10 each): a single strong factor (leaving again by a
non-procedural route) counts as much on its own as it does beside others. The level follows the thresholds
(`RiskThresholds`). A person's factors are
kept as a bit mask in `PersonRisk.present` (bit i for the i-th factor of `FACTORS`, an order that is only ever
appended to), so that re-scoring a million people after a change of weights is one SQL expression per row, not a
Python loop. The default weights and their rationale are in `DEFAULT_WEIGHTS`, written by the app's data migration
and documented in docs/development/risk-instrument.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from bangkit.livelihoods.choices import BusinessRunning, Health, MigrationIntention, RiskFactor, RiskLevel

FACTORS: tuple[str, ...] = tuple(RiskFactor.values)
BIT = {factor: 1 << position for position, factor in enumerate(FACTORS)}

# (weight 0–10, why). Heavier: what the ministry and the case files show to lead straight back to a recruiter.
DEFAULT_WEIGHTS: dict[str, tuple[int, Any]] = {
    RiskFactor.NO_HELP_INFORMATION: (
        4,
        _("Tanpa tahu ke mana meminta tolong, tawaran calo menjadi satu-satunya jalan."),
    ),
    RiskFactor.RETURNED_WITHOUT_RESULTS: (5, _("Pulang tanpa hasil mendorong untuk segera berangkat lagi.")),
    RiskFactor.SHAME: (3, _("Rasa malu mengasingkan orang dari keluarga dan pendamping.")),
    RiskFactor.DEBT_TRAP: (8, _("Jeratan utang adalah sarana utama perekrut menguasai korban (UU 21/2007).")),
    RiskFactor.FAMILY_DISHARMONY: (4, _("Konflik keluarga menghilangkan dukungan untuk tetap tinggal.")),
    RiskFactor.RETURN_DEBT: (6, _("Utang saat pemulangan harus dibayar, sering dengan berangkat lagi.")),
    RiskFactor.ILLNESS_DISABILITY: (3, _("Sakit atau disabilitas mengurangi penghasilan dan pilihan kerja.")),
    RiskFactor.NON_PROCEDURAL_REMIGRATION: (
        10,
        _("Berangkat tanpa prosedur resmi adalah jalan paling langsung kembali ke perdagangan orang."),
    ),
    RiskFactor.RECRUITER_CONTACT: (9, _("Perekrut yang sudah mendekati berarti tawaran nyata sedang berjalan.")),
    RiskFactor.UNEMPLOYED: (6, _("Tanpa pekerjaan dan usaha, bermigrasi lagi tampak satu-satunya pilihan.")),
}
DEFAULT_THRESHOLDS = {"medium_from": 10, "high_from": 18, "high_visit_days": 7}

LEVEL_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


@dataclass(frozen=True)
class Observation:
    """What one source says of one factor: present or not, and where and when it was seen."""

    present: bool
    source: str
    on: date


def mask_of(factors: Iterable[str]) -> int:
    mask = 0
    for factor in factors:
        mask |= BIT[factor]
    return mask


def score_of(mask: int, weights: Mapping[str, int]) -> int:
    return sum(weights.get(factor, 0) for factor in FACTORS if mask & BIT[factor])


def level_of(score: int, *, medium_from: int, high_from: int) -> str:
    if score >= high_from:
        return RiskLevel.HIGH
    if score >= medium_from:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def from_follow_up(follow_up: Any) -> dict[str, bool]:
    """The factors a recorded follow-up visit speaks of; those it cannot tell keep their earlier value."""
    found: dict[str, bool] = {
        RiskFactor.RECRUITER_CONTACT: bool(follow_up.recruiter_contact),
        RiskFactor.DEBT_TRAP: bool(follow_up.debt_amount),
    }
    if follow_up.migration_intention:
        found[RiskFactor.NON_PROCEDURAL_REMIGRATION] = (
            follow_up.migration_intention == MigrationIntention.NON_PROCEDURAL
        )
    if follow_up.business:
        working = follow_up.business == BusinessRunning.YES or bool(follow_up.other_work.strip())
        found[RiskFactor.UNEMPLOYED] = not working
    if follow_up.family_situation:
        found[RiskFactor.FAMILY_DISHARMONY] = follow_up.family_situation in ("disharmony", "rejecting")
    if follow_up.health:
        found[RiskFactor.ILLNESS_DISABILITY] = follow_up.health != Health.GOOD
    return found


def from_assessment(risk_factors: Iterable[tuple[str, bool]]) -> dict[str, bool]:
    """The ministry's factors as a case assessment checked them."""
    return {factor: present for factor, present in risk_factors if factor in BIT}


def explain(evidence: Mapping[str, Any], weights: Mapping[str, int]) -> list[dict[str, Any]]:
    """Every factor of the instrument in order: present or not, its weight, what it adds, and where it was seen
    (codes only: it is stored with each score, and labelled in the reader's language when shown)."""
    lines = []
    for factor in FACTORS:
        present, source, on = evidence.get(factor, (False, "", ""))
        weight = weights.get(factor, 0)
        lines.append(
            {
                "factor": factor,
                "present": bool(present),
                "weight": weight,
                "points": weight if present else 0,
                "source": source,
                "on": on,
            }
        )
    return lines
