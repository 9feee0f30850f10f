"""Test settings: the app's settings with fast hashing and unhashed static files."""

from revise.settings import *  # noqa: F403
from revise.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
