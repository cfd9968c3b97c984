"""Settings shared by every environment, read from environment variables.

Each variable is documented in the README's Configuration section. A bad
value fails loudly at start-up rather than being guessed at.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mitra.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing at once. A transaction
    # takes the write lock when it begins: one that read first and then
    # wrote would otherwise be refused at once ("database is locked")
    # whatever the timeout, e.g. on a survey sent twice at the same moment.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "axes",
    "mitra.core",
    "mitra.documents",
    "mitra.partners",
    "mitra.agreements",
    "mitra.planning",
    "mitra.proposals",
    "mitra.monitoring",
    "mitra.surveys",
    "mitra.records",
    "mitra.public",
    "mitra.imports",
    "mitra.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mitra.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mitra.urls"
WSGI_APPLICATION = "mitra.wsgi.application"

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
                "mitra.core.context_processors.mitra",
            ],
        },
    }
]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login lockout: after this many failures the account and address pair waits.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["mitra.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files are never served by URL: they go through the permission gate.
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "mitra.core.files.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="mitra@localhost")
# Where Mitra is reached, for links in emails (no request to take it from).
MITRA_BASE_URL = env.str("MITRA_BASE_URL", default="http://127.0.0.1:8000")
# A failing email is retried (with growing pauses) for this many days.
MITRA_EMAIL_RETRY_DAYS = env.int("MITRA_EMAIL_RETRY_DAYS", default=7)
if MITRA_EMAIL_RETRY_DAYS < 1:
    raise environ.ImproperlyConfigured("MITRA_EMAIL_RETRY_DAYS must be at least 1.")
# Days before an agreement's end at which its reminders go out.
MITRA_EXPIRY_REMINDER_DAYS = sorted(
    set(env.list("MITRA_EXPIRY_REMINDER_DAYS", cast=int, default=[180, 90, 30])),
    reverse=True,
)
if any(days < 0 for days in MITRA_EXPIRY_REMINDER_DAYS):
    raise environ.ImproperlyConfigured(
        "MITRA_EXPIRY_REMINDER_DAYS must list whole numbers of days, like 180,90,30."
    )
# Days before a survey round's closing day at which unanswered contacts are
# reminded.
MITRA_SURVEY_REMINDER_DAYS = sorted(
    set(env.list("MITRA_SURVEY_REMINDER_DAYS", cast=int, default=[7, 2])),
    reverse=True,
)
if any(days < 0 for days in MITRA_SURVEY_REMINDER_DAYS):
    raise environ.ImproperlyConfigured(
        "MITRA_SURVEY_REMINDER_DAYS must list whole numbers of days, like 7,2."
    )

# Days before a monitoring round's due date at which units are reminded.
MITRA_MONITORING_REMINDER_DAYS = sorted(
    set(env.list("MITRA_MONITORING_REMINDER_DAYS", cast=int, default=[7, 1])),
    reverse=True,
)
if any(days < 0 for days in MITRA_MONITORING_REMINDER_DAYS):
    raise environ.ImproperlyConfigured(
        "MITRA_MONITORING_REMINDER_DAYS must list whole numbers of days, like 7,1."
    )
# An agreement in force with no activity for this many months is "dormant".
MITRA_DORMANT_MONTHS = env.int("MITRA_DORMANT_MONTHS", default=12)
if MITRA_DORMANT_MONTHS < 1:
    raise environ.ImproperlyConfigured("MITRA_DORMANT_MONTHS must be at least 1.")

# Days before a call for proposals' deadline at which silent units are reminded.
MITRA_CALL_REMINDER_DAYS = sorted(
    set(env.list("MITRA_CALL_REMINDER_DAYS", cast=int, default=[7, 1])),
    reverse=True,
)
if any(days < 0 for days in MITRA_CALL_REMINDER_DAYS):
    raise environ.ImproperlyConfigured(
        "MITRA_CALL_REMINDER_DAYS must list whole numbers of days, like 7,1."
    )
# Days before an action item's due date at which its owner is reminded (0 is
# the due date itself); an overdue item is reminded once more the day after.
MITRA_ACTION_REMINDER_DAYS = sorted(
    set(env.list("MITRA_ACTION_REMINDER_DAYS", cast=int, default=[3, 0])),
    reverse=True,
)
if any(days < 0 for days in MITRA_ACTION_REMINDER_DAYS):
    raise environ.ImproperlyConfigured(
        "MITRA_ACTION_REMINDER_DAYS must list whole numbers of days, like 3,0."
    )
# A proposal waiting this many days without action is escalated to the head.
MITRA_PROPOSAL_STALE_DAYS = env.int("MITRA_PROPOSAL_STALE_DAYS", default=14)
if MITRA_PROPOSAL_STALE_DAYS < 1:
    raise environ.ImproperlyConfigured("MITRA_PROPOSAL_STALE_DAYS must be at least 1.")
# A partner's link to follow their proposal works for this many days.
MITRA_PROPOSAL_LINK_DAYS = env.int("MITRA_PROPOSAL_LINK_DAYS", default=180)
if MITRA_PROPOSAL_LINK_DAYS < 1:
    raise environ.ImproperlyConfigured("MITRA_PROPOSAL_LINK_DAYS must be at least 1.")
# Proposals one client address may send on the public site per hour.
MITRA_PUBLIC_PROPOSALS_PER_HOUR = env.int("MITRA_PUBLIC_PROPOSALS_PER_HOUR", default=5)
# The request header holding the client's address behind a reverse proxy
# (e.g. HTTP_X_REAL_IP); empty uses the connection's address.
MITRA_CLIENT_IP_HEADER = env.str("MITRA_CLIENT_IP_HEADER", default="")

# Largest upload accepted, in megabytes (attachments and registers alike).
MITRA_MAX_UPLOAD_MB = env.int("MITRA_MAX_UPLOAD_MB", default=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# An agreement is "expiring" when it ends within this many days.
MITRA_EXPIRING_DAYS = env.int("MITRA_EXPIRING_DAYS", default=90)
# The institution's name as printed on pages and forms.
MITRA_INSTITUTION_NAME = env.str("MITRA_INSTITUTION_NAME", default="")
# A PNG or JPEG logo printed on forms until the office uploads one (a path).
MITRA_INSTITUTION_LOGO = env.str("MITRA_INSTITUTION_LOGO", default="")
# Rows per page in lists.
MITRA_PAGE_SIZE = env.int("MITRA_PAGE_SIZE", default=25)
# An invitation link to set a first password works for this many days.
MITRA_INVITATION_DAYS = env.int("MITRA_INVITATION_DAYS", default=7)
if MITRA_INVITATION_DAYS < 1:
    raise environ.ImproperlyConfigured("MITRA_INVITATION_DAYS must be at least 1.")
# Signing workflow: a partner's link to a draft works for this many days; a
# reviewer is reminded every this many days; an agreement not signed with no
# step for this many days is "stuck"; the board shows signatures this recent.
MITRA_PARTNER_LINK_DAYS = env.int("MITRA_PARTNER_LINK_DAYS", default=14)
MITRA_REVIEW_REMINDER_DAYS = env.int("MITRA_REVIEW_REMINDER_DAYS", default=3)
MITRA_STUCK_DAYS = env.int("MITRA_STUCK_DAYS", default=30)
MITRA_SIGNED_RECENTLY_DAYS = env.int("MITRA_SIGNED_RECENTLY_DAYS", default=30)
for _name in (
    "MITRA_PARTNER_LINK_DAYS",
    "MITRA_REVIEW_REMINDER_DAYS",
    "MITRA_STUCK_DAYS",
    "MITRA_SIGNED_RECENTLY_DAYS",
):
    if globals()[_name] < 1:
        raise environ.ImproperlyConfigured(f"{_name} must be at least 1.")
# The ministry's indicator (reports): which agreements a year counts when a
# rule set does not say (IKU 3.1 of 2023): "signed" in the year or "in_force".
MITRA_IKU_2023_WINDOW = env.str("MITRA_IKU_2023_WINDOW", default="signed")
if MITRA_IKU_2023_WINDOW not in ("signed", "in_force"):
    raise environ.ImproperlyConfigured(
        "MITRA_IKU_2023_WINDOW must be signed or in_force."
    )
# IKU 5 of 2025: what the percentage of industry cooperations counts.
MITRA_IKU_2025_NUMERATOR = env.str("MITRA_IKU_2025_NUMERATOR", default="with_output")
if MITRA_IKU_2025_NUMERATOR not in ("with_output", "with_downstreaming"):
    raise environ.ImproperlyConfigured(
        "MITRA_IKU_2025_NUMERATOR must be with_output or with_downstreaming."
    )
MITRA_IKU_2025_DENOMINATOR = env.str(
    "MITRA_IKU_2025_DENOMINATOR", default="cooperations"
)
if MITRA_IKU_2025_DENOMINATOR not in ("cooperations", "with_activity"):
    raise environ.ImproperlyConfigured(
        "MITRA_IKU_2025_DENOMINATOR must be cooperations or with_activity."
    )
# Extra columns of the accreditation table (LKPS table 1), as discipline
# boards ask: any of relevance, satisfaction, follow_up.
MITRA_LKPS_EXTRA_COLUMNS = env.list("MITRA_LKPS_EXTRA_COLUMNS", default=[])
if set(MITRA_LKPS_EXTRA_COLUMNS) - {"relevance", "satisfaction", "follow_up"}:
    raise environ.ImproperlyConfigured(
        "MITRA_LKPS_EXTRA_COLUMNS may list only relevance, satisfaction, follow_up."
    )
# Years a record of the records register is kept after its date of issue,
# for every record type that does not set its own.
MITRA_RECORD_RETENTION_YEARS = env.int("MITRA_RECORD_RETENTION_YEARS", default=5)
if MITRA_RECORD_RETENTION_YEARS < 1:
    raise environ.ImproperlyConfigured(
        "MITRA_RECORD_RETENTION_YEARS must be at least 1."
    )

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "filters": {
        "client_errors": {"()": "mitra.core.logs.ClientErrorsWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own configuration gives "django" a console of its own as
        # well: each line would be written twice.
        "django": {"handlers": ["console"], "propagate": False},
        "django.request": {"filters": ["client_errors"]},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint tells every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
