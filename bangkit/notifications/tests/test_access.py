"""Generated authorization tests of the outbox (see core/testing/cases.py); notifications are their recipient's
alone, whatever the role: test_notifications.py."""

from __future__ import annotations

from typing import Any

from bangkit.core.testing.cases import ScopedModelTests
from bangkit.notifications.models import OutboxMessage
from bangkit.notifications.services import message_person
from bangkit.notifications.testing import reachable_person

WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}


def make_message(people: Any, place: str = "kupang", **fields: Any) -> OutboxMessage:
    values = {"body": "Besok pukul 10 kunjungan rumah.", "purpose": "appointment", **fields}
    return message_person(actor=getattr(people, WORKERS[place]), person=reachable_person(people, place), **values)


class TestOutboxMessageAccess(ScopedModelTests):
    model = OutboxMessage
    permitted_user = "kupang_case_worker"
    reader_user = "national_auditor"  # reads every message, changes none
    list_url = "notifications:outbox_list"
    detail_url = "notifications:outbox_detail"
    edit_url = None  # a message is never edited
    action_urls = {"notifications:outbox_cancel": None}
    api_list_url = "outbox-message-list"
    api_detail_url = "outbox-message-detail"
    api_writes = ()
    list_queries = 7

    def make(self, people: Any, place: str) -> OutboxMessage:
        return make_message(people, place)


class TestOutboxMessageAccessOfSupervisors(TestOutboxMessageAccess):
    permitted_user = "kupang_supervisor"
