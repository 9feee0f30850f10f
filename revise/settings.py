"""Django settings, read from the environment (see README and .env.example).

``REVISE_ENV=production`` switches on the production settings: the secret key and allowed
hosts must then come from the environment, and cookies are secure.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REVISE_VAR_DIR", BASE_DIR / "var"))
PRODUCTION = os.environ.get("REVISE_ENV", "development") == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _local_secret_key() -> str:
    """A key generated once into var/ for local use; never committed."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "REVISE_ENV=production needs DJANGO_SECRET_KEY (50 or more characters)"
        )
    ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("REVISE_ENV=production needs DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()
    ALLOWED_HOSTS = _env_list(
        "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
    )

DEBUG = _env_bool("DJANGO_DEBUG", False)
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "revise.accounts",
    "revise.catalog",
    "revise.study",
    "revise.lessons",
    "revise.progress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cookie-less visitor's cached page is served here, before the rest
    # (revise/catalog/pagecache.py says why that is safe).
    "revise.catalog.pagecache.VisitorPageMiddleware",
    "revise.middleware.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the settings' policy built once (revise/middleware.py).
    "revise.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "revise.urls"
WSGI_APPLICATION = "revise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "revise" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "revise.context_processors.frame_links",
            ],
            "libraries": {"frame": "revise.frame", "shells": "revise.shells"},
        },
    },
]

_SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE makes writers queue for
    # the lock at BEGIN instead of failing with "database is locked" half-way through.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

# Persistent connections, on SQLite as on PostgreSQL: opening one (and, on SQLite,
# running the pragmas above) costs milliseconds on every request otherwise. Django keeps
# one connection per thread: a gunicorn sync worker is one process with one thread, so
# it reuses its own; the workers fork before any connection opens (the app connects on
# the first request). Threads that are not requests (the test live server closes its
# connections after each request; test threads close theirs) are unaffected. The
# health check (a no-op on SQLite) replaces a PostgreSQL connection that died between
# requests instead of failing the next one.
_CONN_MAX_AGE = int(os.environ.get("DJANGO_CONN_MAX_AGE", 600))

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=_CONN_MAX_AGE,
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "revise.sqlite",
            "NAME": VAR_DIR / "revise.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            "CONN_MAX_AGE": _CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
# On SQLite, Django's backend with each statement's placeholders converted once
# (revise/sqlite/base.py says why), a sqlite:// DATABASE_URL too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "revise.sqlite"
if DATABASES["default"]["ENGINE"] == "revise.sqlite":
    DATABASES["default"].setdefault("OPTIONS", _SQLITE_OPTIONS)

# The shared cache: it holds the pages visitors get (revise/catalog/pagecache.py), so
# every app server must see the same one. The database by default (its table is made
# wherever migrations run: `revise serve`, `revise import`, the test databases); Redis
# when REVISE_REDIS_URL is set (needs the redis package).
if os.environ.get("REVISE_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REVISE_REDIS_URL"],
            "KEY_PREFIX": "revise",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "revise_cache",
            # A page per chapter: room for long courses before old entries are culled.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins while an address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the account with one written-out statement.
    "revise.accounts.backends.AccountBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

# Password guessing: 5 wrong passwords for one address from one client pause sign-in there
# for 15 minutes from the fifth. Attempts during the pause are refused and not recorded, so
# they do not prolong it; setting a new password by a reset link ends it.
AXES_FAILURE_LIMIT = int(os.environ.get("REVISE_SIGNIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("REVISE_SIGNIN_COOLOFF_MINUTES", 15))
)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "revise.accounts.throttle.username_of"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "revise.accounts.throttle.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client is REMOTE_ADDR, or behind REVISE_PROXY_COUNT reverse proxies that each append
# to X-Forwarded-For, that header's entry that many places from the right.
REVISE_PROXY_COUNT = max(0, int(os.environ.get("REVISE_PROXY_COUNT", 0)))
AXES_CLIENT_IP_CALLABLE = "revise.accounts.throttle.client_address"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Revise <revise@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "revise" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Background work (emails now; fitting schedules later) goes through django-tasks with its
# database backend: a task survives a restart, and `revise serve` starts the worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REVISE_COURSES_DIR = Path(os.environ.get("REVISE_COURSES_DIR", BASE_DIR / "courses"))

SESSION_ENGINE = "revise.accounts.sessions"  # Django's database sessions, read faster
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("DJANGO_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
