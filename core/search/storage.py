"""Opening a study's storage with readable errors: a journal file on one machine, PostgreSQL beyond it.

Optuna advises against SQLite for parallel optimization (writers wait on one file lock; "database is
locked" with many workers, optuna #820) and recommends its journal file storage for several
processes on one machine: `journal:///path/search.journal`. A `sqlite:///` URL (a study made by an
older version) still opens; any other URL is an RDB (PostgreSQL, MySQL) for several machines.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import ForecasterError
from core.i18n import _

# a worker that dies mid-trial stops sending heartbeats; other workers then mark its trial FAIL
HEARTBEAT_S = 10
GRACE_S = 30
SQLITE_TIMEOUT_S = 120  # several processes write one file: wait for the lock instead of failing
# libpq waits for ever on a server that accepts the connection and never answers (and Ctrl+C can't
# stop it): give up after this many seconds, notice a dead peer by TCP keepalives, and end any
# statement the server sits on (Optuna's are short)
CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 120_000
POSTGRES_OPTIONS = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


JOURNAL_SCHEME = "journal:///"  # + a path, as sqlite:/// takes one: four slashes for an absolute path
JOURNAL_SUFFIX = ".journal"


class SearchError(ForecasterError):
    """A search can't start or join: its storage, its study, or settings no trial can use."""


def shown_url(url: str) -> str:
    """The URL with any password hidden, for messages and search.json."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say what was given
        return url


def without_password(url: str) -> str:
    """The URL with any password removed (not only hidden), for the records a model keeps."""
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        return parsed._replace(password=None).render_as_string(hide_password=False) if parsed.password else url
    except Exception:  # not a URL at all: nothing to remove
        return url


def driver_url(url: str) -> str:
    """`url` with the PostgreSQL driver we install named: SQLAlchemy 2.1 takes a bare postgresql://
    to mean psycopg 3, and our `postgres` extra installs psycopg2 (the driver most machines have)."""
    import importlib.util

    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg") is None \
            and importlib.util.find_spec("psycopg2") is not None:
        return f"postgresql+psycopg2://{rest}"
    return url


def postgres_connect_args(url: str) -> dict:
    """libpq's timeouts and keepalives for a PostgreSQL URL, except those its query sets itself
    (SQLAlchemy lets connect_args override the URL's)."""
    try:
        from sqlalchemy.engine import make_url

        own = set(make_url(url).query)
    except Exception:  # not a URL: open_storage words the problem
        own = set()
    options = {"connect_timeout": CONNECT_TIMEOUT_S, **POSTGRES_OPTIONS,
               "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"}
    return {key: value for key, value in options.items() if key not in own}


def journal_url(path: str | Path) -> str:
    """The storage URL of a journal file (the path made absolute)."""
    return JOURNAL_SCHEME + str(Path(path).resolve())


def journal_path(url: str) -> Path | None:
    """The file a journal storage URL (or a bare path ending in .journal) names; None for a database URL."""
    if url.startswith(JOURNAL_SCHEME):
        return Path(url[len(JOURNAL_SCHEME):])
    if "://" not in url and url.endswith(JOURNAL_SUFFIX):
        return Path(url)
    return None


def open_journal(path: Path):
    """A JournalStorage on `path`, locked with a lock file (O_EXCL: works on Windows and network
    file systems too, where the default symlink lock may not)."""
    import optuna
    from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

    if not path.parent.is_dir():
        raise SearchError(_("Could not open the study storage {url}: the folder {folder} does not exist.").format(
            url=journal_url(path), folder=path.parent))
    try:
        backend = JournalFileBackend(str(path), lock_obj=JournalFileOpenLock(str(path)))
        return optuna.storages.JournalStorage(backend)
    except OSError as exc:
        raise SearchError(_("Could not open the study storage {url}: {reason}").format(
            url=journal_url(path), reason=exc.strerror or exc)) from None


def in_memory_sqlite(url: str) -> bool:
    """sqlite://, sqlite:///:memory: and the like: a database only the connection that made it sees."""
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
    except Exception:  # not a URL: open_storage words the problem
        return False
    database = parsed.database or ""
    return parsed.drivername.startswith("sqlite") and (
        database in ("", ":memory:") or "mode=memory" in database or parsed.query.get("mode") == "memory"
        or database.startswith("file::memory:"))


def open_storage(url: str):
    """A JournalStorage for a journal file, else an RDBStorage for `url`; SearchError with one line
    when the driver, URL, file or server is wrong."""
    import warnings

    import optuna
    import sqlalchemy.exc

    optuna.logging.set_verbosity(optuna.logging.ERROR)  # we report trials ourselves, in the user's language
    journal = journal_path(url)
    if journal is not None:
        return open_journal(journal)
    if in_memory_sqlite(url):
        raise SearchError(_("{url} is an in-memory database: each process (a worker, the final report) would see "
                            "its own empty one; give a file, e.g. sqlite:///search.sqlite3.").format(url=url))
    engine_kwargs: dict = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        engine_kwargs = {"connect_args": {"timeout": SQLITE_TIMEOUT_S}}
    elif url.startswith("postgres"):
        engine_kwargs["connect_args"] = postgres_connect_args(url)
    try:
        with warnings.catch_warnings():  # heartbeats are "experimental" in Optuna 4-5; we rely on little of it
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.storages.RDBStorage(driver_url(url), engine_kwargs=engine_kwargs,
                                              heartbeat_interval=HEARTBEAT_S, grace_period=GRACE_S)
    except ImportError as exc:  # SQLAlchemy loads the database driver on first use
        if "psycopg" in str(exc) or url.startswith("postgres"):
            raise SearchError(_("The PostgreSQL driver is not installed: install it with "
                                "pip install \"lstm-forecaster[postgres]\".")) from None
        raise SearchError(_("The database driver for {url} is not installed ({reason}).").format(
            url=shown_url(url), reason=exc)) from None
    except sqlalchemy.exc.ArgumentError:
        raise SearchError(_("{url} is not a database URL; use e.g. sqlite:///search.sqlite3 or "
                            "postgresql://user@host/db.").format(url=shown_url(url))) from None
    except sqlalchemy.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise SearchError(_("Could not open the study storage {url}: {reason}").format(
            url=shown_url(url), reason=reason)) from None
