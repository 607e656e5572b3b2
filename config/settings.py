"""The one settings module. Every deployment difference comes from the environment.

See README.md "Configuration" for the variables; a bad value raises at start-up.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts.admin_config.SecondFactorAdminConfig",  # Django's admin, asking for the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram similarity for the review's merge hints
    "django.contrib.sitemaps",  # the public portal's sitemap
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "audit",
    "districts",
    "accounts",
    "proposals",
    "submissions",
    "outreach",
    "deadlines",
    "workflow",
    "notifications",
    "imports",
    "reports",
    "casefiles",
    "portal",
    "web",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below
    "web.middleware.PermissionsPolicyMiddleware",
    "audit.context.AuditContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "districts.middleware.LanguageMiddleware",
    "districts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AccountGateMiddleware",  # a forced password change or second factor first
    "django_htmx.middleware.HtmxMiddleware",
    "web.middleware.RefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "districts.context_processors.roles",
                "web.notifications.views.bell",
            ],
        },
    },
]

# --- Database: SQLite file by default (the embedded mode of `make run`) -------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on this application's short aggregate queries
    # (the yearly report's item query: ~350 ms compiling, ~200 ms running; docs/reports.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "districts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out login stops here
    # ModelBackend whose session user comes with the bell's unread count, in one query.
    "notifications.inbox.InboxUserBackend",
    # The admin site's permissions of the system, security and audit administrators (三员分立).
    "districts.backends.AdministratorRoleBackend",
]
# 等保 2.0 password rules (accounts.validators): 8 characters of 3 classes, not the login name, not
# one of the last 5; a password older than PASSWORD_MAX_AGE_DAYS must be changed (0: never).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.HistoryValidator", "OPTIONS": {"count": 5}},
]
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
# The admin site asks for a TOTP code after the password (accounts.admin_site); office staff do
# when their district says so (accounts.DistrictSecurity).
ADMIN_REQUIRES_OTP = env_bool("ADMIN_REQUIRES_OTP", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "jianyi")
# Login attempts per source address across user names (password spraying); an office whose
# staff share one address must stay under it.
LOGIN_RATE_PER_ADDRESS = env_str("LOGIN_RATE_PER_ADDRESS", "100/h")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes), keyed on user name and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind TRUSTED_PROXY_COUNT reverse proxies the client's address is read from X-Forwarded-For,
# counting from the right (what our own proxies appended, not what the client sent); otherwise
# every client would share the proxy's address and anyone could lock a known account out.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# The security audit log is kept this many days, at least 184 (the Cybersecurity Law's six months).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 184)
if AUDIT_RETENTION_DAYS < 184:
    raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS={AUDIT_RETENTION_DAYS} is below 184 days (six months)")

# Idle session timeout: the session ends after this many minutes without a request, to the
# minute (districts.middleware.IdleTimeoutMiddleware). The session is saved only when changed,
# which that middleware does at most once a minute; each save renews the cookie and the row.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False

# --- Language and time --------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of {list(dict(LANGUAGES))}")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Attachments live outside the web root and are served only through a view that checks access.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20) * 1024 * 1024
ATTACHMENT_EXTENSIONS = env_list(
    "ATTACHMENT_EXTENSIONS",
    ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "ofd", "txt", "zip"],
)
# What the archives among them (.zip, .docx, .xlsx, .ofd) may hold once unpacked (proposals/uploads/archives.py).
ATTACHMENT_UNZIPPED_MAX_BYTES = env_int("ATTACHMENT_UNZIPPED_MAX_MB", 100) * 1024 * 1024
# A virus scanner every upload passes (dotted path to a callable, empty = none; see README, proposals/uploads/).
ATTACHMENT_SCANNER = env_str("ATTACHMENT_SCANNER", "")
ATTACHMENT_CLAMD_ADDRESS = env_str("ATTACHMENT_CLAMD_ADDRESS", "unix:///run/clamav/clamd.ctl")
ATTACHMENT_CLAMD_TIMEOUT = env_int("ATTACHMENT_CLAMD_TIMEOUT", 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# What one spreadsheet import may unpack and read; beyond these it is refused, naming the limit.
IMPORT_MAX_UNZIPPED_BYTES = env_int("IMPORT_MAX_UNZIPPED_MB", 100) * 1024 * 1024
IMPORT_MAX_PART_BYTES = env_int("IMPORT_MAX_PART_MB", 50) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 10_000)

# --- Security (behind a TLS proxy in production) -------------------------------------
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style on any page (tests/web/test_templates.py), nothing from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# --- Celery: eager in-process unless REDIS_URL names a broker --------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not a redis:// URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# The cache the rate limits count in (the portal's, the disclosure form's): shared by every worker
# through Redis in production, else one process's memory.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
# Behind a reverse proxy, the request header that carries the client's address (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tests that need PostgreSQL and Redis fail instead of skipping when this is on (CI).
REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: STARTTLS on 587 or SSL on 465")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # A script or an app sends `Authorization: Token ...` (docs/api.md); the browser's session works too.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",  # knox's, answering in the token's user's language
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Token logins per client address, besides django-axes' lockout per user name and address.
    "DEFAULT_THROTTLE_RATES": {"login": env_str("API_LOGIN_RATE", "10/minute")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # the client's address as django-axes reads it
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Suggestions and proposals API",
    "DESCRIPTION": "Deputies' suggestions and CPPCC members' proposals: the workflow over HTTP (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `state` or a `kind`: each its own enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ItemStateEnum": "proposals.models.Item.State",
        "ItemKindEnum": "proposals.models.Kind",
        "AssignmentStateEnum": "workflow.models.Assignment.State",
        "ReplyStateEnum": "workflow.models.Reply.State",
        "ReplyKindEnum": "workflow.models.Reply.Kind",
        "ExtensionStateEnum": "workflow.models.Extension.State",
        "UnitKindEnum": "districts.models.HandlingUnit.Kind",
        "ProposerKindEnum": "districts.models.Proposer.Kind",
        "NotificationKindEnum": "notifications.models.NotificationKind",
        "ObligationKindEnum": "deadlines.models.ObligationKind",
    },
}
# API tokens (django-rest-knox): hashed in the database, several per user, each expiring.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=env_int("API_TOKEN_DAYS", 90)),
    "AUTH_HEADER_PREFIX": "Token",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}


# --- Reminders and notifications (docs/reminders.md) ----------------------------------
def _clock(name, raw):
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a time such as 09:00") from None


# Reminders of a day go out at this local time (the first sweep after it).
REMINDER_TIME = _clock("REMINDER_TIME", env_str("REMINDER_TIME", "09:00"))
# Working days before a due date for the first reminder, where no deadline policy says otherwise.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 3)
# No SMS in these local hours ("21:00-08:00"; empty: none); messages wait for the end.
_quiet = env_str("SMS_QUIET_HOURS", "21:00-08:00")
if _quiet:
    if _quiet.count("-") != 1:
        raise ImproperlyConfigured(f"SMS_QUIET_HOURS={_quiet!r} is not a range such as 21:00-08:00")
    SMS_QUIET_HOURS = tuple(_clock("SMS_QUIET_HOURS", part.strip()) for part in _quiet.split("-"))
else:
    SMS_QUIET_HOURS = None
# Empty: the site sends no SMS (a resident's text is recorded "unsendable"; docs/reminders.md).
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.backends.ConsoleSMSBackend")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_KEY = env_str("SMS_GATEWAY_KEY")
if SMS_BACKEND.endswith("HTTPGatewaySMSBackend") and not SMS_GATEWAY_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SMS_BACKEND is the HTTP gateway but SMS_GATEWAY_URL is not an http(s) URL")
# Approved gateway template ids per notification kind: "before_due=SMS_001,overdue=SMS_002,...".
_templates = env_list("SMS_TEMPLATES", [])
if any("=" not in part for part in _templates):
    raise ImproperlyConfigured("SMS_TEMPLATES must be kind=template_id pairs separated by commas")
SMS_TEMPLATES = dict(part.split("=", 1) for part in _templates)
CELERY_BEAT_SCHEDULE = {
    # Before any reminder time: the day's sweep no longer reminds proposers of a window that ended.
    "settle-feedback-windows": {
        "task": "workflow.tasks.settle_feedback_windows",
        "schedule": crontab(hour=1, minute=30),
    },
    "sweep-reminders": {
        "task": "notifications.tasks.sweep_reminders",
        "schedule": crontab(minute=REMINDER_TIME.minute),
    },
    "dispatch-notifications": {"task": "notifications.tasks.dispatch_notifications", "schedule": 300.0},
    "send-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=REMINDER_TIME.hour, minute=REMINDER_TIME.minute),
    },
    "purge-submit-tokens": {"task": "web.tasks.purge_old_submit_tokens", "schedule": crontab(hour=2, minute=0)},
    "audit-partitions": {"task": "audit.tasks.keep_partitions", "schedule": crontab(hour=2, minute=30)},
}
