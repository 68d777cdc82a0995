"""Encryption at rest (AES-256-GCM) and blind indexes (HMAC-SHA256) for personal data.

A ciphertext reads ``e1:<key id>:<base64url(nonce | ciphertext | tag)>``. The key id is derived from the key itself,
so FIELD_ENCRYPTION_KEYS stays a plain list (newest first): every listed key can decrypt, only the newest encrypts,
and `manage.py rotate_field_keys` finds the rows still under an older one by their prefix. Each field binds its
column name as associated data, so a ciphertext copied into another column or table fails to decrypt.

A blind index reads ``<key id>:<base64url(HMAC)>``. The HMAC key is derived from BLIND_INDEX_KEY and the field's
purpose, so the same NIK in two unrelated columns gives unrelated values. The key id lets the rotation command find
indexes made under an earlier BLIND_INDEX_KEY, and lets searches match both keys while OLD_BLIND_INDEX_KEY is set.

Keys are parsed once and cached; the cache is dropped whenever a key setting changes (override_settings in tests).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

CIPHERTEXT_VERSION = "e1"
_KEY_SETTINGS = frozenset({"FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "OLD_BLIND_INDEX_KEY"})
_KEY_BYTES = 32
_NONCE_BYTES = 12  # 96 bits, the size GCM is designed for
_TAG_BYTES = 16
_HELP = "generate one with: python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"


class EncryptionKeyError(ImproperlyConfigured):
    """A key setting is missing or malformed. The message names the setting, never its value."""


class DecryptionError(ValueError):
    """A stored value could not be decrypted: tampered, truncated, moved from another column, or its key is gone."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    # Strict: a stray character is an error, not something to skip. Accepts both alphabets, padding optional.
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def decode_key(value: object, *, setting: str) -> bytes:
    """The 32 raw bytes of a base64 key (URL-safe or standard alphabet, padding optional)."""
    if not isinstance(value, str):
        raise EncryptionKeyError(f"{setting} must be a base64 string")
    if not value.strip():
        raise EncryptionKeyError(f"{setting} is empty; {_HELP}")
    try:
        raw = _b64decode(value.strip())
    except (binascii.Error, ValueError):
        raise EncryptionKeyError(f"{setting} is not base64; {_HELP}") from None
    if len(raw) != _KEY_BYTES:
        raise EncryptionKeyError(f"{setting} decodes to {len(raw)} bytes, not {_KEY_BYTES}; {_HELP}")
    return raw


def _key_id(key: bytes, purpose: bytes) -> str:
    # A one-way fingerprint: names the key inside stored values without revealing anything about it.
    return hmac.new(key, b"bangkit key id\x00" + purpose, hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True)
class _FieldKeyring:
    newest_id: str
    ciphers: dict[str, AESGCM]


@dataclass(frozen=True)
class _BlindKey:
    key_id: str
    secret: bytes


@functools.cache
def _field_keyring() -> _FieldKeyring:
    configured = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    if not isinstance(configured, list | tuple):
        raise EncryptionKeyError("FIELD_ENCRYPTION_KEYS must be a list of keys, newest first")
    if not configured:
        raise EncryptionKeyError(f"FIELD_ENCRYPTION_KEYS is empty; {_HELP}")
    ciphers: dict[str, AESGCM] = {}
    for position, value in enumerate(configured):
        raw = decode_key(value, setting=f"FIELD_ENCRYPTION_KEYS[{position}]")
        key_id = _key_id(raw, b"field encryption")
        if key_id in ciphers:
            raise EncryptionKeyError(f"FIELD_ENCRYPTION_KEYS[{position}] repeats an earlier key")
        ciphers[key_id] = AESGCM(raw)
    return _FieldKeyring(newest_id=next(iter(ciphers)), ciphers=ciphers)


@functools.cache
def _blind_keys() -> tuple[_BlindKey, ...]:
    """The current blind-index key, then the previous one while a blind-index key rotation is under way."""
    keys = [decode_key(getattr(settings, "BLIND_INDEX_KEY", ""), setting="BLIND_INDEX_KEY")]
    old = getattr(settings, "OLD_BLIND_INDEX_KEY", "")
    if old:
        keys.append(decode_key(old, setting="OLD_BLIND_INDEX_KEY"))
    return tuple(_BlindKey(_key_id(secret, b"blind index"), secret) for secret in keys)


@functools.cache
def _purpose_key(secret: bytes, purpose: str) -> bytes:
    # Derived once per key and purpose: an import computes several indexes per row.
    return hmac.digest(secret, b"bangkit blind index\x00" + purpose.encode(), "sha256")


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in _KEY_SETTINGS:
        _field_keyring.cache_clear()
        _blind_keys.cache_clear()
        _purpose_key.cache_clear()


def validate_field_keys() -> None:
    """Raise EncryptionKeyError now if FIELD_ENCRYPTION_KEYS is unusable, rather than at the first save."""
    _field_keyring()


def validate_blind_index_keys() -> None:
    """Raise EncryptionKeyError now if BLIND_INDEX_KEY (or OLD_BLIND_INDEX_KEY) is unusable."""
    _blind_keys()


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt under the newest key. `context` (the column's name) must be given again to decrypt."""
    keyring = _field_keyring()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = keyring.ciphers[keyring.newest_id].encrypt(nonce, plaintext.encode(), context.encode())
    return f"{CIPHERTEXT_VERSION}:{keyring.newest_id}:{_b64encode(nonce + sealed)}"


def decrypt(token: str, *, context: str) -> str:
    version, _, rest = token.partition(":")
    key_id, _, payload = rest.partition(":")
    if version != CIPHERTEXT_VERSION or not payload:
        raise DecryptionError(f"{context}: stored value is not a {CIPHERTEXT_VERSION} ciphertext")
    cipher = _field_keyring().ciphers.get(key_id)
    if cipher is None:
        raise DecryptionError(
            f"{context}: encrypted under key id {key_id}, which FIELD_ENCRYPTION_KEYS no longer holds"
        )
    try:
        data = _b64decode(payload)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{context}: ciphertext is not base64") from None
    if len(data) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError(f"{context}: ciphertext is truncated")
    try:
        plaintext = cipher.decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], context.encode())
    except InvalidTag:
        raise DecryptionError(
            f"{context}: ciphertext failed authentication (tampered, or copied from another column)"
        ) from None
    return plaintext.decode()


def ciphertext_prefix() -> str:
    """What every value encrypted under the newest key starts with."""
    return f"{CIPHERTEXT_VERSION}:{_field_keyring().newest_id}:"


def _index_under(key: _BlindKey, value: str, purpose: str) -> str:
    return f"{key.key_id}:{_b64encode(hmac.digest(_purpose_key(key.secret, purpose), value.encode(), 'sha256'))}"


def blind_index(value: str, *, purpose: str) -> str:
    """The blind index of an already normalised `value` under the current BLIND_INDEX_KEY."""
    return _index_under(_blind_keys()[0], value, purpose)


def blind_index_candidates(value: str, *, purpose: str) -> list[str]:
    """Every blind index `value` may be stored under: the current key's, then OLD_BLIND_INDEX_KEY's if set."""
    return [_index_under(key, value, purpose) for key in _blind_keys()]


def blind_index_prefix() -> str:
    """What every blind index made under the current BLIND_INDEX_KEY starts with."""
    return f"{_blind_keys()[0].key_id}:"
