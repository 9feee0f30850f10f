"""A bare Django project with one view: the ceiling that bench/http_bench.py divides by.

No database, no middleware, no templates: what every Django page pays at the least.
"""

SECRET_KEY = "bench-only-not-secret"  # noqa: S105 - never deployed; serves "hello" only
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "hello.urls"
WSGI_APPLICATION = "hello.wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict] = {}
USE_TZ = True
