"""Where uploaded files live: a folder on disk, or a private S3-compatible bucket.

Read from the environment by desk/settings.py (STORAGE_BACKEND); a function so that tests can
build the very same configuration against an in-process fake S3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from desk.core.env import env_choice, env_int, env_str


def filesystem_storage(var_dir: Path) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(var_dir / "private")},
    }


def s3_storage() -> dict[str, Any]:
    """A private bucket on any S3-compatible service (MinIO, ArvanCloud, AWS).

    Objects are written private and reach people only through the views that check access
    (they stream the file through the app); .url() would give short-lived signed URLs, never
    public ones.
    """
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # Empty means boto3's own chain (instance role, ~/.aws): no key in the settings.
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "location": env_str("AWS_LOCATION", ""),
            "addressing_style": env_choice(
                "AWS_S3_ADDRESSING_STYLE", "path", ("path", "virtual", "auto")
            ),
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300),
            "custom_domain": None,
            # Names are random (uuid4): checking for an existing object first would only add a
            # round trip to every upload.
            "file_overwrite": True,
            # A download larger than this spools to a temporary file instead of memory.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


def default_storage_from_env(var_dir: Path) -> dict[str, Any]:
    if env_choice("STORAGE_BACKEND", "filesystem", ("filesystem", "s3")) == "s3":
        return s3_storage()
    return filesystem_storage(var_dir)
