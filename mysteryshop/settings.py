"""Settings for Mystery Shop: one module, read from the environment.

With no environment at all the site runs embedded: a SQLite file, Celery tasks
run in-process, e-mail printed to the console. Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL
(see .env.example).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo must stop start-up, not read as false."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use one of 1, 0, true, false, yes, no, on, off.")


def env_int(name: str, default: int) -> int:
    """Read a whole number, stopping start-up with a clear message if it is not one."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


DEBUG = env_bool("DJANGO_DEBUG", default=True)

_DEV_SECRET = "embedded-demo-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 (embedded demo only; production must set its own)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "phonenumber_field",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_prometheus",
    "mysteryshop",
    "volunteers",
    "scenarios",
    "visits",
    "reports",
]

MIDDLEWARE = [
    # First and last: request latency by view for the metrics page (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Compresses pages (not static files: WhiteNoise serves those already compressed) once every middleware
    # below has finished with the body. Django's own, which pads each answer against BREACH (Django 5.x).
    "django.middleware.gzip.GZipMiddleware",
    # Outermost but for the metrics, so every answer carries them: error pages too, such as the 400
    # for a Host header the site does not serve, which Django raises inside the middleware below.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mysteryshop.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anything the site serves that is not a page (receipts, photos, reports, exports) runs nothing.
    "mysteryshop.middleware.SandboxedFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language comes from its address only: /cy/... is Welsh, anything else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # In the demo (no MYSTERYSHOP_SITE_URL), links in e-mails use the address the person browsed to.
    "mysteryshop.links.SiteAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified(): has this session confirmed a code from the person's authenticator app?
    "django_otp.middleware.OTPMiddleware",
    # Lets the audit log name the person and address behind a change; records refused pages.
    "mysteryshop.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff: signed out when idle, then kept to the code step until they have confirmed a code.
    "mysteryshop.middleware.StaffIdleTimeoutMiddleware",
    "mysteryshop.middleware.TwoFactorRequiredMiddleware",
    "mysteryshop.middleware.NoStoreForSignedInMiddleware",
    "mysteryshop.middleware.MethodNotAllowedPageMiddleware",
    # A database rule broken where no service expected it: a page saying which, in words (400), not a 500.
    "mysteryshop.database_rules.DatabaseRuleMiddleware",
    # Last but one, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mysteryshop.urls"
WSGI_APPLICATION = "mysteryshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mysteryshop.context_processors.roles",
                "mysteryshop.context_processors.languages",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    # An empty DATABASE_URL counts as unset: the embedded SQLite file.
    "default": environ.Env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer fails a request in seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "mysteryshop.User"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that is down must not take the site with it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so signing in still works with Redis down. Each session row
# also names its user, so deactivating someone ends their sessions (mysteryshop.sessions).
SESSION_ENGINE = "mysteryshop.sessions"
# Messages ("Margaret Hughes is booked on ...") are kept in the session on the server, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Sign-in ------------------------------------------------------------------

# django-axes' backend first: it refuses a locked-out sign-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mysteryshop.backends.RolesModelBackend",
]
# Argon2 first: an older PBKDF2 hash is rehashed with Argon2 the next time its owner signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "mysteryshop.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Reverse proxies in front of the site that append the client's address to X-Forwarded-For
# (0: the site is reached directly and REMOTE_ADDR is the client). Throttling counts by this address.
MYSTERYSHOP_PROXY_COUNT = env_int("MYSTERYSHOP_PROXY_COUNT", 0)
# Failed sign-ins allowed, per account and per client address, before signing in is paused...
MYSTERYSHOP_SIGNIN_FAILURE_LIMIT = env_int("MYSTERYSHOP_SIGNIN_FAILURE_LIMIT", 5)
# ...for this many minutes: long enough to stop guessing, short enough that nobody is locked out for long.
MYSTERYSHOP_SIGNIN_LOCKOUT_MINUTES = env_int("MYSTERYSHOP_SIGNIN_LOCKOUT_MINUTES", 15)
# Password reset e-mails sent in an hour for one client address, and for one e-mail address.
MYSTERYSHOP_PASSWORD_RESETS_PER_HOUR = env_int("MYSTERYSHOP_PASSWORD_RESETS_PER_HOUR", 5)
# Staff (coordinators, the commissioner, force liaison, administrators) are signed out after this long idle.
MYSTERYSHOP_STAFF_IDLE_MINUTES = env_int("MYSTERYSHOP_STAFF_IDLE_MINUTES", 30)

# django-axes: failed sign-ins are counted in PostgreSQL (its database handler), so throttling
# works with Redis down. Either the account or the client address reaching the limit pauses it.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = MYSTERYSHOP_SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=MYSTERYSHOP_SIGNIN_LOCKOUT_MINUTES)
# Trying again during a pause does not restart it: an attacker cannot keep a real person out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "mysteryshop.signin.client_address"
AXES_LOCKOUT_CALLABLE = "mysteryshop.signin_views.locked_out"
# Successful sign-ins are not kept by django-axes (no address log without a retention rule).
AXES_DISABLE_ACCESS_LOG = True

# django-otp: codes from an authenticator app (TOTP) and one-time recovery codes. The app shows
# the scheme's name (OTP_TOTP_ISSUER, set below with it) beside each code.
# The admin never shows an authenticator secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Locale -------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
# Welsh is offered once the scheme turns it on (the Welsh Language Standards, for a force in Wales): a
# "Cymraeg" link on every page, and every page also under /cy/. Off, English is the only language.
MYSTERYSHOP_WELSH = env_bool("MYSTERYSHOP_WELSH", default=False)
LANGUAGES = [("en-gb", "English")] + ([("cy", "Cymraeg")] if MYSTERYSHOP_WELSH else [])
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` gathers the files for whitenoise to serve.
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Source maps are fetched only by developers' tools: not worth compressing at every deployment.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Files browsers ask for at the site's root (favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Uploaded evidence and receipts are private: never served from a public URL,
# only through views that check who is asking.
MEDIA_ROOT = Path(env.str("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Widget templates may live in the project's templates/ folder.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Mystery Shop <mysteryshop@opcc.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every step of talking to the mail server gives up after this many seconds (Django's default is to
# wait for ever). E-mail is sent by Celery from the outbox (mysteryshop.mail), never in a request.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# An e-mail the mail server has not taken after this many hours of retrying is given up (and shown
# in the metrics and the admin); one refused for good (a 5xx for its address) is given up at once.
MYSTERYSHOP_EMAIL_GIVE_UP_HOURS = env_int("MYSTERYSHOP_EMAIL_GIVE_UP_HOURS", 72)

# --- Celery -------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Embedded mode: no broker, so tasks run in-process at the moment they are sent.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Never lose work: a task is acknowledged only after it has run, goes back on
# the queue if its worker dies, and a worker holds one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The longest task is the nightly rebuild of every roll-up (about 10 s on a year of a large
# force's answers, bench/RESULTS.md) or making a PDF report (seconds); ten minutes is ample.
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
# Redis hands an unacknowledged task to another worker once this long has passed since it was
# taken (a worker killed mid-task): longer than any task may run, so a slow task is never run
# twice at once, and short enough that a task lost with its worker runs again within the quarter
# hour. Every task is safe to run twice all the same, and the sweepers find lost work sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60,
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a task (mysteryshop.celery.publish) uses its own one-second timeouts and no retry,
# so a request never waits on a broker that is down or frozen.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "mysteryshop.record_heartbeat", "schedule": 60.0},
    # E-mail whose task was lost, or that the mail server refused, is sent from the outbox.
    "sweep-email": {"task": "mysteryshop.sweep_email", "schedule": 60.0},
    "forget-old-email": {"task": "mysteryshop.forget_old_email", "schedule": crontab(hour=4, minute=20)},
    "clear-expired-sessions": {"task": "mysteryshop.clear_expired_sessions", "schedule": crontab(hour=4, minute=0)},
    "visit-reminders": {"task": "visits.send_reminders", "schedule": 15 * 60.0},
    "visits-past-their-window": {"task": "visits.follow_up_past_visits", "schedule": 60 * 60.0},
    "volunteers-not-checked-out": {"task": "visits.check_out_alerts", "schedule": 5 * 60.0},
    "visits-short-of-a-volunteer": {"task": "visits.cancel_held_visits", "schedule": 5 * 60.0},
    "sweep-rollups": {"task": "reports.sweep_rollups", "schedule": 5 * 60.0},
    "rebuild-rollups-nightly": {"task": "reports.rebuild_rollups", "schedule": crontab(hour=3, minute=15)},
    "finding-reminders": {"task": "reports.finding_reminders", "schedule": crontab(hour=7, minute=30)},
    "finding-review-reminders": {"task": "reports.finding_review_reminders", "schedule": crontab(hour=7, minute=40)},
    "sweep-generated-reports": {"task": "reports.sweep_generated_reports", "schedule": 5 * 60.0},
    # After the nightly rebuild: last week's scrutiny report every Monday, the panel report on a quarter's first day.
    "weekly-scrutiny-report": {
        "task": "reports.send_scheduled_reports",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "kwargs": {"kind": "weekly"},
    },
    "police-and-crime-panel-report": {
        "task": "reports.send_scheduled_reports",
        "schedule": crontab(hour=7, minute=30, day_of_month=1, month_of_year="1,4,7,10"),
        "kwargs": {"kind": "panel"},
    },
    "anonymise-expired-volunteers": {
        "task": "volunteers.anonymise_expired",
        "schedule": crontab(hour=2, minute=30),
    },
    # Retention: each kind of personal data is removed when its period ends (README, "Data protection").
    "delete-expired-receipts": {"task": "volunteers.delete_expired_receipts", "schedule": crontab(hour=2, minute=40)},
    "delete-expired-evidence": {"task": "visits.delete_expired_evidence", "schedule": crontab(hour=2, minute=50)},
    "clear-throttling-records": {"task": "mysteryshop.clear_throttling_records", "schedule": crontab(minute=5)},
    "forget-application-addresses": {
        "task": "volunteers.forget_application_addresses",
        "schedule": crontab(minute=10),
    },
}

PHONENUMBER_DEFAULT_REGION = "GB"

# --- Security headers ---------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# What production adds over the embedded demo (which is served over plain HTTP). Kept as one
# dict so tests apply exactly these with override_settings (mysteryshop/tests/test_headers.py).
PRODUCTION_SECURITY = {
    "SECURE_SSL_REDIRECT": env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True),
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    # A year of HTTPS only, for this host and every subdomain.
    "SECURE_HSTS_SECONDS": 60 * 60 * 24 * 365,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    # The __Host- prefix binds a cookie to this exact host over HTTPS (no Domain, path /, Secure).
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
}
if not DEBUG:
    vars().update(PRODUCTION_SECURITY)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Monitoring ---------------------------------------------------------------

# /metrics (Prometheus) answers only a request with "Authorization: Bearer <this token>"; without
# a token set, it is refused to everyone. Its figures hint at when visits happen: never public.
MYSTERYSHOP_METRICS_TOKEN = env.str("MYSTERYSHOP_METRICS_TOKEN", default="")
if MYSTERYSHOP_METRICS_TOKEN and len(MYSTERYSHOP_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("MYSTERYSHOP_METRICS_TOKEN must be at least 32 characters (or unset).")
# Request latencies in seconds: from a fast page to gunicorn's 30-second timeout.
PROMETHEUS_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, float("inf"))

# --- Logging ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every PDF at INFO.
    # django-axes logs every request at INFO; its warnings (failed sign-ins, lockouts) are kept.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- The scheme ---------------------------------------------------------------
# Settings a scheme sets once; each has a default that suits the embedded demo.

MYSTERYSHOP_SCHEME_NAME = env.str("MYSTERYSHOP_SCHEME_NAME", default="OPCC Mystery Shopper Scheme")
OTP_TOTP_ISSUER = MYSTERYSHOP_SCHEME_NAME
MYSTERYSHOP_FORCE_NAME = env.str("MYSTERYSHOP_FORCE_NAME", default="Shireshire Police")
# The site's address, for links in e-mails and calendar files (see mysteryshop/links.py). Empty in the
# demo: links then use the address the person browsed to. A deployment sets it (check --deploy warns).
MYSTERYSHOP_SITE_URL = env.str("MYSTERYSHOP_SITE_URL", default="").rstrip("/")
# Volunteers: the youngest age a volunteer may be (18 in one force, 15 in another).
MYSTERYSHOP_MINIMUM_AGE = env_int("MYSTERYSHOP_MINIMUM_AGE", 18)
# Applications accepted from one client address in an hour, before a polite refusal.
MYSTERYSHOP_APPLICATIONS_PER_HOUR = env_int("MYSTERYSHOP_APPLICATIONS_PER_HOUR", 5)
# Mileage paid back, in pence a mile.
MYSTERYSHOP_MILEAGE_PENCE = env_int("MYSTERYSHOP_MILEAGE_PENCE", 45)
# Largest receipt upload, in bytes.
MYSTERYSHOP_RECEIPT_MAX_BYTES = env_int("MYSTERYSHOP_RECEIPT_MAX_BYTES", 5 * 1024 * 1024)
# Days after someone leaves or is rejected before their personal data is anonymised.
MYSTERYSHOP_RETENTION_DAYS = env_int("MYSTERYSHOP_RETENTION_DAYS", 365)
# Days after an application is turned down before it is anonymised (unsuccessful applicants).
MYSTERYSHOP_REJECTED_RETENTION_DAYS = env_int("MYSTERYSHOP_REJECTED_RETENTION_DAYS", 180)
# Days after an expense claim is decided before its receipt files are deleted (finance keeps the CSV).
MYSTERYSHOP_RECEIPT_RETENTION_DAYS = env_int("MYSTERYSHOP_RECEIPT_RETENTION_DAYS", 730)
# Days after a visit before its evidence photos are deleted (the report and its answers stay).
MYSTERYSHOP_EVIDENCE_RETENTION_DAYS = env_int("MYSTERYSHOP_EVIDENCE_RETENTION_DAYS", 365)
# Hours that throttling records (failed sign-ins, reset requests, application address hashes) are kept.
MYSTERYSHOP_THROTTLE_RECORD_HOURS = env_int("MYSTERYSHOP_THROTTLE_RECORD_HOURS", 24)
# Visits: time kept free either side of a booking for travel, in minutes.
MYSTERYSHOP_BOOKING_BUFFER_MINUTES = env_int("MYSTERYSHOP_BOOKING_BUFFER_MINUTES", 60)
# Days before a volunteer may visit the same contact point again (so staff do not recognise them).
MYSTERYSHOP_LOCKOUT_DAYS = env_int("MYSTERYSHOP_LOCKOUT_DAYS", 90)
# Days a volunteer who thinks they were recognised is kept away from that contact point.
MYSTERYSHOP_RECOGNISED_LOCKOUT_DAYS = env_int("MYSTERYSHOP_RECOGNISED_LOCKOUT_DAYS", 365)
# Hours before an in-person visit that it is cancelled if it is still short of a volunteer (someone dropped
# out and no replacement has accepted): nobody goes alone.
MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS = env_int("MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS", 2)
# Minutes after an in-person visit's window before coordinators are alerted that the pair has not checked out.
MYSTERYSHOP_CHECKOUT_GRACE_MINUTES = env_int("MYSTERYSHOP_CHECKOUT_GRACE_MINUTES", 30)
# Most visits one volunteer is given in a calendar month.
MYSTERYSHOP_MONTHLY_CAP = env_int("MYSTERYSHOP_MONTHLY_CAP", 4)
# Hours before a visit that its reminder goes out.
MYSTERYSHOP_REMINDER_HOURS = env_int("MYSTERYSHOP_REMINDER_HOURS", 24)
# Hours after a visit's window with no questionnaire before a nudge, then twice that before "missed".
MYSTERYSHOP_REPORT_NUDGE_HOURS = env_int("MYSTERYSHOP_REPORT_NUDGE_HOURS", 24)
# Capture: a pair agreeing on fewer than this share (%) of scored questions is flagged for the reviewer.
MYSTERYSHOP_AGREEMENT_THRESHOLD = env_int("MYSTERYSHOP_AGREEMENT_THRESHOLD", 70)
# Calibration: months a practice report against an answer key stays current (like a training refresh).
MYSTERYSHOP_CALIBRATION_MONTHS = env_int("MYSTERYSHOP_CALIBRATION_MONTHS", 12)
# Capture: photos a volunteer may attach to one report, and the largest photo in bytes.
MYSTERYSHOP_EVIDENCE_MAX_PHOTOS = env_int("MYSTERYSHOP_EVIDENCE_MAX_PHOTOS", 4)
MYSTERYSHOP_EVIDENCE_MAX_BYTES = env_int("MYSTERYSHOP_EVIDENCE_MAX_BYTES", 8 * 1024 * 1024)
# Uploaded photos and receipts: the most pixels a picture may have (50 million: beyond any phone's
# usual photo). Checked before decoding, so a small file claiming a vast picture is refused.
MYSTERYSHOP_IMAGE_MAX_PIXELS = env_int("MYSTERYSHOP_IMAGE_MAX_PIXELS", 50_000_000)
# Results: a commitment area is green at or above the first share (%), amber at or above the second, else red.
MYSTERYSHOP_GREEN_FROM = env_int("MYSTERYSHOP_GREEN_FROM", 80)
MYSTERYSHOP_AMBER_FROM = env_int("MYSTERYSHOP_AMBER_FROM", 60)
# Findings: working days (England and Wales) the force has to respond, and how many before that it is reminded.
MYSTERYSHOP_FINDING_RESPONSE_DAYS = env_int("MYSTERYSHOP_FINDING_RESPONSE_DAYS", 10)
MYSTERYSHOP_FINDING_REMINDER_DAYS = env_int("MYSTERYSHOP_FINDING_REMINDER_DAYS", 2)
# Days after closing when coordinators are reminded to review a closed finding (a year).
MYSTERYSHOP_FINDING_REVIEW_DAYS = env_int("MYSTERYSHOP_FINDING_REVIEW_DAYS", 365)
# A contact point with fewer visits than this in a period is "too few visits to judge": not ranked or coloured.
MYSTERYSHOP_MIN_VISITS_TO_JUDGE = env_int("MYSTERYSHOP_MIN_VISITS_TO_JUDGE", 5)
# Timed questions: no median or percentile from fewer answers than this in a period ("too few answers").
MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES = env_int("MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES", 10)
# The OPCC decides the force's appeal against a released result within this many working days.
MYSTERYSHOP_APPEAL_DECISION_DAYS = env_int("MYSTERYSHOP_APPEAL_DECISION_DAYS", 10)
# How the force sees the date of a released visit: "week" (the week it was made in) or "day".
# The day, beside the contact point, lets CCTV and duty rotas identify the volunteers and the staff
# who served them; see docs/results.md before choosing it.
MYSTERYSHOP_RELEASED_VISIT_DATES = env.str("MYSTERYSHOP_RELEASED_VISIT_DATES", default="week").strip().lower()
if MYSTERYSHOP_RELEASED_VISIT_DATES not in ("week", "day"):
    raise ImproperlyConfigured(
        f"MYSTERYSHOP_RELEASED_VISIT_DATES={MYSTERYSHOP_RELEASED_VISIT_DATES!r} must be week or day."
    )
