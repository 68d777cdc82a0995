"""SRQ-20, the psychosocial screening scale of the assessment (see `choices.SRQ20_QUESTIONS` for the wording).

The WHO Self-Reporting Questionnaire has twenty yes/no questions about the last 30 days. It is validated in
Indonesian and used by the Ministry of Health's Riskesdas, whose cut-off we use: a score (number of "yes") of 6 or
more suggests a mental-emotional disorder. Question 17 (thoughts of ending one's life) needs a referral whatever the
score. The scale screens; it does not diagnose: a flag means "refer to a mental-health service", nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence

from bangkit.cases.choices import SRQ20_CUTOFF, SRQ20_QUESTIONS, SRQ20_SUICIDE_ITEM

QUESTION_COUNT = len(SRQ20_QUESTIONS)


def srq20_score(answers: Sequence[bool] | None) -> int | None:
    """The number of "yes" answers; None when the scale was not administered."""
    if not answers:
        return None
    return sum(1 for answer in answers if answer is True)


def srq20_flagged(answers: Sequence[bool] | None) -> bool:
    """Whether the answers call for a referral to a mental-health service."""
    if not answers:
        return False
    return (srq20_score(answers) or 0) >= SRQ20_CUTOFF or srq20_suicide_item(answers)


def srq20_suicide_item(answers: Sequence[bool] | None) -> bool:
    """Whether question 17 (thoughts of ending one's life) was answered "yes"."""
    if not answers or len(answers) < SRQ20_SUICIDE_ITEM:
        return False
    return answers[SRQ20_SUICIDE_ITEM - 1] is True
