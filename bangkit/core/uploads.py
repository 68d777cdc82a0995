"""Scans of signed paper (consent forms, handover receipts): checked by their first bytes, stored under a random
name, and served only to users who may see the record they belong to, each download logged."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from bangkit.audit.history import record_access
from bangkit.core.exceptions import ServiceError

SCAN_MAX_BYTES = 5 * 1024 * 1024
# What a scan may be, by its first bytes (the name and the browser's content type prove nothing).
SCAN_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
SCAN_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


def scan_extension(scan: Any) -> str:
    """The stored scan's kind by its name (`.pdf`, `.jpg`, `.png`), as `checked_scan` named it."""
    name = str(getattr(scan, "name", "") or "").lower()
    return next((extension for extension in SCAN_SIGNATURES if name.endswith(extension)), "")


def checked_scan(scan: UploadedFile, *, field: str = "scan", max_bytes: int = SCAN_MAX_BYTES) -> UploadedFile:
    """The upload renamed to a random name with the extension of what it really is; refused unless PDF, JPEG or
    PNG of at most `max_bytes`. The original name may carry a person's name: it is not kept."""
    size = scan.size or 0
    if size > max_bytes:
        raise ServiceError(
            _("Berkas pindaian paling besar %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}, field=field
        )
    if size == 0:
        raise ServiceError(_("Berkas pindaian kosong."), field=field)
    scan.seek(0)
    head = scan.read(16)
    scan.seek(0)
    extension = next(
        (ext for ext, signatures in SCAN_SIGNATURES.items() if any(head.startswith(sig) for sig in signatures)), None
    )
    if extension is None:
        raise ServiceError(_("Pindaian harus berupa berkas PDF, JPEG atau PNG."), field=field)
    scan.name = f"{uuid.uuid4().hex}{extension}"
    return scan


def scan_response(request: Any, record: models.Model, scan: Any, *, filename_stem: str) -> FileResponse:
    """The stored scan as an attachment named `filename_stem` and its kind (never the stored name), its download
    written to the record's access history; 404 when there is no scan or its file is gone."""
    if not scan:
        raise Http404
    extension = scan_extension(scan)
    try:
        handle = scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_access(request, record)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename_stem}{extension}",
        content_type=SCAN_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
