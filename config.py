"""Settings, all from the environment (12-factor). Nothing municipality-specific
lives here: the municipality's name, units and letterhead are edited on the
settings screen and stored in the database."""
import os

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
DEFAULT_SECRET_KEY = "ozelkalem-demo-secret-change-me"
DEFAULT_DEMO_PASSWORD = "ozelkalem"


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on", "evet")


class Config:
    # --- deployment -------------------------------------------------------
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "sqlite:///" + os.path.join(BASE_DIR, "instance", "ozelkalem.db")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    PORT = int(os.environ.get("PORT", "8080"))
    # OZELKALEM_ENV=production turns demo mode off and enforces secrets.
    PRODUCTION = os.environ.get("OZELKALEM_ENV", "development") == "production"
    DEMO_MODE = _bool("DEMO_MODE", not PRODUCTION)
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    DATA_DIR = os.environ.get("DATA_DIR", os.path.join(BASE_DIR, "instance"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", os.path.join(DATA_DIR, "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024

    # --- Flask-AppBuilder -------------------------------------------------
    APP_NAME = "Özel Kalem"
    APP_THEME = ""
    FAB_BASE_TEMPLATE = "ozelkalem_base.html"
    FAB_INDEX_VIEW = "app.home.HomeView"
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.SecurityManager"
    # The schema belongs to migrations; permissions are synced by `flask ozelkalem setup`.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    FAB_API_SWAGGER_UI = False
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 5 minute")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    LOGIN_LOCKOUT_ATTEMPTS = int(os.environ.get("LOGIN_LOCKOUT_ATTEMPTS", "5"))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
    # AUTH_RATE_LIMIT counts *failed* logins per client address, in the database
    # every worker and instance shares (app/security/limits.py); the address is
    # the socket's unless PROXY_COUNT reverse proxies are trusted for X-Forwarded-For.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # FAB's JSON login (/api/v1/security/login) exists only with an API enabled.
    API_ENABLED = _bool("API_ENABLED", False)
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))

    # --- exports ----------------------------------------------------------
    # A list PDF holds at most this many rows (beyond: XLSX is offered). Up to
    # PDF_LIST_INLINE_ROWS it comes back in the same response; a longer one is laid
    # out by a background process (app/core/exportjobs.py, niced by OZK_JOB_NICE) and
    # the clerk's page refreshes itself until it is ready; the files are kept
    # EXPORT_JOB_KEEP_HOURS. EXPORT_JOB_RUNNER "inline" makes them in the request (tests).
    PDF_LIST_MAX_ROWS = int(os.environ.get("PDF_LIST_MAX_ROWS", "10000"))
    PDF_LIST_INLINE_ROWS = int(os.environ.get("PDF_LIST_INLINE_ROWS", "1000"))
    EXPORT_JOB_KEEP_HOURS = float(os.environ.get("EXPORT_JOB_KEEP_HOURS", "24"))
    EXPORT_JOB_RUNNER = os.environ.get("EXPORT_JOB_RUNNER", "process")
    # Warm the PDF renderer (and the first SQL statements) before the app is
    # returned: "1" (default), "thread" (in the background) or "0" (off).
    PDF_WARMUP = {"0": False, "false": False, "no": False, "thread": "thread"}.get(
        os.environ.get("PDF_WARMUP", "1").strip().lower(), True)

    # --- language ---------------------------------------------------------
    BABEL_DEFAULT_LOCALE = "tr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Istanbul"
    BABEL_TRANSLATION_DIRECTORIES = "translations;" + os.path.join(BASE_DIR, "translations")
    LANGUAGES = {
        "tr": {"flag": "tr", "name": "Türkçe"},
        "en": {"flag": "gb", "name": "English"},
    }

    # --- session / CSRF ---------------------------------------------------
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PRODUCTION
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = PRODUCTION
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # --- hardening: a database that does not answer ------------------------
    # PostgreSQL: connect_timeout (s), statement_timeout and lock_timeout (ms);
    # SQLite: how long a write waits for a lock (ms). 0 turns a limit off.
    # Keep the statement timeout below gunicorn's worker timeout (30 s).
    DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000"))


class ProductionConfigError(RuntimeError):
    pass


def check_production(config):
    """Refuse to start a production instance with demo secrets."""
    if not config.get("PRODUCTION"):
        return
    problems = []
    if config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY) or len(config["SECRET_KEY"]) < 16:
        problems.append("SECRET_KEY is the default or too short")
    if config.get("DEMO_MODE"):
        problems.append("DEMO_MODE must be off in production")
    if problems:
        raise ProductionConfigError("Refusing to start in production: " + "; ".join(problems))
