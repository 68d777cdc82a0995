"""`Idempotency-Key` on every API write: a client that sends a POST, PUT, PATCH or DELETE again after losing the
answer (a dropped connection in the field) gets the first answer again instead of a second effect.

A signed-in caller may send `Idempotency-Key: <1-255 printable ASCII characters>` with a write. The first request
with a key inserts an `IdempotentRequest` (user, key) and commits it before the work runs (ATOMIC_REQUESTS is off, so
the insert is its own transaction), then keeps the answer:

- the same key again, with the same method, path and body: the kept answer, marked `Idempotent-Replayed: true`;
  nothing runs;
- the same key with another method, path or body: 422, nothing runs;
- the same key while the first request is still running: the unique constraint refuses the second insert, 409 with
  `Retry-After`; the database decides, so the work never runs twice;
- an answer of 5xx, or an exception, frees the key so that the client may try again; 2xx and 4xx answers are kept.

Keys belong to their user and expire after BANGKIT_IDEMPOTENCY_TTL_HOURS: an expired one counts as unused, and
`manage.py purge_idempotency_keys` deletes them. Reads, anonymous requests and requests without the header are left
alone. Views take part by inheriting `Idempotent`, as core.api's viewsets do; core/tests/test_idempotency.py fails
for an API view that accepts writes without it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status, views
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from bangkit.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PATTERN = r"^[ -~]{1,255}$"
# The answer's own headers worth replaying; the others are set afresh for every answer.
KEPT_HEADERS = ("Location",)


class KeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Permintaan dengan Idempotency-Key ini masih diproses. Ulangi sebentar lagi.")
    default_code = "idempotency_key_in_use"
    wait = 1  # DRF's exception handler sends it as Retry-After.


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy(
        "Idempotency-Key ini sudah dipakai untuk permintaan lain (metode, alamat atau isi yang berbeda). "
        "Gunakan kunci baru untuk permintaan baru."
    )
    default_code = "idempotency_key_reused"


class _Replay(Exception):
    """Not an error: the way out of `initial`, past the work, with the kept answer."""

    def __init__(self, response: Response):
        super().__init__()
        self.response = response


def expired_before() -> datetime:
    """Keys created before this moment are expired."""
    return timezone.now() - timedelta(hours=settings.BANGKIT_IDEMPOTENCY_TTL_HOURS)


def purge_expired() -> int:
    """Deletes the expired keys; how many."""
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=expired_before()).delete()
    return deleted


def _file_digest(value: object) -> str:
    if not isinstance(value, UploadedFile):
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return f"{value.name}:{digest.hexdigest()}"


def fingerprint(request: Request) -> str:
    """SHA-256 of the method, the path with its query and the body as parsed. Parsed, not raw: a multipart upload
    is sent again with a new random boundary, and its file is streamed to disk rather than held in memory."""
    data = request.data
    if isinstance(data, MultiValueDict):
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, default=_file_digest)
    return hashlib.sha256(f"{request.method}\n{request.get_full_path()}\n{body}".encode()).hexdigest()


def _replay(record: IdempotentRequest) -> Response:
    headers = {**record.response_headers, REPLAYED_HEADER: "true"}
    return Response(json.loads(record.response_body), status=record.response_status, headers=headers)


def begin(request: Request) -> IdempotentRequest | None:
    """Claims the request's key before the work runs: the record to `settle` afterwards, or None when the request
    takes no part. Raises instead when the work must not run: 400 for a malformed key, KeyReused, KeyInUse, or
    _Replay with the kept answer."""
    key = request.headers.get(HEADER)
    if request.method not in WRITE_METHODS or key is None or not request.user.is_authenticated:
        return None
    if not re.fullmatch(KEY_PATTERN, key):
        raise exceptions.ValidationError(
            {HEADER: [_("Idempotency-Key harus terdiri dari 1–255 karakter ASCII yang dapat dicetak.")]}
        )
    claim = {
        "user": request.user,
        "key": key,
        "method": request.method,
        "path": request.path,
        "fingerprint": fingerprint(request),
    }
    # Twice at most: an expired record, or one freed by a failure, is out of the way for the second insert.
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(**claim)
        except IntegrityError:
            pass
        earlier = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if earlier is None:
            continue
        if earlier.created_at < expired_before():
            IdempotentRequest.objects.filter(pk=earlier.pk).delete()
            continue
        if earlier.fingerprint != claim["fingerprint"]:
            raise KeyReused()
        if earlier.response_status is None:
            raise KeyInUse()
        raise _Replay(_replay(earlier))
    raise KeyInUse()


def settle(record: IdempotentRequest, response: HttpResponseBase | None) -> None:
    """Keeps the answer to replay it, or frees the key when a retry should run again: after an exception (no
    answer), a 5xx, or an answer that is not data (a file) and so cannot be kept."""
    if response is None or response.status_code >= 500 or not isinstance(response, Response):
        IdempotentRequest.objects.filter(pk=record.pk).delete()
        return
    IdempotentRequest.objects.filter(pk=record.pk).update(
        response_status=response.status_code,
        response_body=json.dumps(response.data, cls=JSONEncoder),
        response_headers={name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    )


class Idempotent(views.APIView):
    """An API view whose writes honour `Idempotency-Key` (see above)."""

    _idempotent_request: IdempotentRequest | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # After authentication, permissions and throttles: a refused request claims no key.
        super().initial(request, *args, **kwargs)
        self._idempotent_request = begin(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = None
        try:
            response = super().dispatch(request, *args, **kwargs)
        finally:
            if self._idempotent_request is not None:
                settle(self._idempotent_request, response)
        return response
