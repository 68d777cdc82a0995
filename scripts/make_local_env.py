"""Prints the environment of a local (embedded) Bangkit: fresh random keys, SQLite, database task queue."""

import base64
import os
import secrets

print("BANGKIT_ENV=development")
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"FIELD_ENCRYPTION_KEYS={base64.urlsafe_b64encode(os.urandom(32)).decode()}")
print(f"BLIND_INDEX_KEY={base64.urlsafe_b64encode(os.urandom(32)).decode()}")
print("TASK_BACKEND=database")
