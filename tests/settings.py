"""Test settings: the app's settings with fast hashing and unhashed static files."""

from revise.settings import *  # noqa: F403
from revise.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# SQLite tests use a file, not shared-cache memory, so that threads (the live server,
# the concurrency tests) see SQLite's real locking: WAL and IMMEDIATE transactions.
if DATABASES["default"]["ENGINE"] == "revise.sqlite":  # noqa: F405
    import tempfile
    from pathlib import Path

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="revise-test-")) / "test.sqlite3")
    }
