"""Settings come from the environment; every one has a working default for the embedded SQLite setup."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("QIANGJI_DEBUG", False)
SECRET_KEY = os.environ.get("QIANGJI_SECRET_KEY", "")
if not SECRET_KEY:
    # A fresh install gets a stable random key kept beside the database, never one committed to the repo.
    key_file = BASE_DIR / "var" / "secret_key"
    key_file.parent.mkdir(exist_ok=True)
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h for h in os.environ.get("QIANGJI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("QIANGJI_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Background work (meeting reminders...): the Django tasks API backport and its database backend,
    # so the embedded setup needs no broker. Worker: `manage.py db_worker`.
    "django_tasks",
    "django_tasks_db",
    "core",
    "audit",
    "orgs",
    "members",
    "accounts",
    "meetings",
    "ledgers",
    "decisions",
    "liaison",
    "recognition",
    "reports",
    "rollups",  # last: its demo builder sums what the others loaded
    "synth",  # benchmarks' synthetic data (manage.py synth); no demo builder
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    "accounts.middleware.AccountSecurityMiddleware",
]

ROOT_URLCONF = "qiangji.urls"
WSGI_APPLICATION = "qiangji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "accounts.context_processors.notifications",
            ],
        },
    }
]

_DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'qiangji.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # PostgreSQL: a connection kept for a minute, not opened per request; its prepared statements
        # (core.sql) are planned once for all the requests it serves. SQLite opens a file: nothing to keep.
        conn_max_age=int(os.environ.get("QIANGJI_CONN_MAX_AGE", "0" if _DATABASE_URL.startswith("sqlite") else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                       "transaction_mode": "IMMEDIATE", "timeout": 20}
    # Tests use a file too (not shared-cache memory, whose table locks fail the browser tests' live server).
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
else:
    # One test database per test process, so that parallel runs on one server do not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    # Prepared statements on: psycopg prepares only what asks for it (core.sql: the figures' and the roll-ups'
    # hot statements); Django's own cursors bind on the client and never prepare. A threshold no statement
    # reaches: nothing is prepared for being run often, only on request.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2 ** 31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: 5 failures within 15 minutes lock the account for 30 minutes (accounts/lockout.py counts the
# failures the audit log already holds; django-axes cannot express a window shorter than its lock time).
QIANGJI_LOCKOUT_FAILURES = 5
QIANGJI_LOCKOUT_WINDOW = timedelta(minutes=15)
QIANGJI_LOCKOUT_DURATION = timedelta(minutes=30)

# Idle timeout: the session cookie lives 30 minutes and every request renews it.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("QIANGJI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("QIANGJI_MEDIA_ROOT", BASE_DIR / "var" / "media"))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "强基 Qiangji API",
    "DESCRIPTION": "党建工作管理平台接口。所有查询均按当前用户在组织树上的角色范围过滤。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page must work offline: no validator badge fetched from swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name per choice set used under several field names (party_status, status).
    "ENUM_NAME_OVERRIDES": {"PartyStatusEnum": "members.choices.PartyStatus",
                            "KindEnum": "orgs.choices.Kind", "MeetingKindEnum": "meetings.choices.Kind",
                            "MeetingStatusEnum": "meetings.choices.Status",
                            "AttendanceStatusEnum": "meetings.choices.AttendanceStatus",
                            "LedgerKindEnum": "ledgers.choices.LedgerKind",
                            "TaskStatusEnum": "ledgers.choices.TaskStatus",
                            "PersonCategoryEnum": "members.choices.Category",
                            "MatterCategoryEnum": "decisions.choices.Category",
                            "ReviewOutcomeEnum": "decisions.choices.ReviewOutcome",
                            "DecisionOutcomeEnum": "decisions.choices.DecisionOutcome",
                            "ProblemStatusEnum": "liaison.choices.ProblemStatus",
                            "BrandLevelEnum": "recognition.choices.BrandLevel",
                            "BrandStatusEnum": "recognition.choices.BrandStatus",
                            "ModelBranchStageEnum": "recognition.choices.ModelBranchStage",
                            "HonorKindEnum": "recognition.choices.HonorKind",
                            "HonorLevelEnum": "recognition.choices.HonorLevel"},
}

# Background tasks go to the database queue; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Email: notifications (task follow-up, meeting reminders) are also mailed to users with an address.
# The default backend prints mail to the console, so nothing leaves an intranet until an SMTP host is set.
EMAIL_BACKEND = os.environ.get("QIANGJI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
                               if not os.environ.get("QIANGJI_EMAIL_HOST") else
                               "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("QIANGJI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("QIANGJI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("QIANGJI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("QIANGJI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("QIANGJI_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("QIANGJI_EMAIL_FROM", "qiangji@localhost")
QIANGJI_NOTIFY_BY_EMAIL = env_bool("QIANGJI_NOTIFY_BY_EMAIL", True)
# Links in mail point here (the address users open the platform at).
QIANGJI_BASE_URL = os.environ.get("QIANGJI_BASE_URL", "http://127.0.0.1:8000")

# Imports: files above this size are refused before they are opened.
QIANGJI_IMPORT_MAX_BYTES = 10 * 1024 * 1024
QIANGJI_IMPORT_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
}

# One process serves its own static files (intranet, no separate web server needed); collectstatic is
# optional: without it whitenoise serves straight from the app and vendor folders.
WHITENOISE_USE_FINDERS = True
# /favicon.ico straight from the files: a browser asks for it after every page, and it must not reach the
# session middleware (a late request racing the test database flush deadlocked on PostgreSQL).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_AUTOREFRESH = DEBUG
