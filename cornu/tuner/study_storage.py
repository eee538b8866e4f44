"""Opening an Optuna relational storage for several worker processes, and telling dead workers apart.

``open_storage(url)`` returns Optuna's ``RDBStorage``; a SQLite file gets write-ahead logging and
``BEGIN IMMEDIATE`` transactions (see ``use_wal``). ``pid_alive`` tells whether a worker on this
host still runs.

Example:
>>> storage = open_storage("sqlite:////tmp/search/study.db")
"""

import os
import random
import time


def open_storage(url):
    """An Optuna ``RDBStorage`` for ``url``; several processes may open it at once."""
    from optuna.storages import RDBStorage

    engine_kwargs = {"connect_args": {"timeout": 120}} if url.startswith("sqlite") else None
    storage = retry_on_operational_error(lambda: RDBStorage(url, engine_kwargs=engine_kwargs))
    if url.startswith("sqlite"):
        use_wal(storage)
    return storage


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is dead too
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def use_wal(storage):
    """Makes a SQLite study safe and quick for several worker processes.

    - Each transaction starts with ``BEGIN IMMEDIATE`` (it takes the write lock first). Python's
      sqlite3 otherwise runs the read of a check-then-set outside any transaction, and two workers
      could both move the same waiting trial to RUNNING (Optuna's row lock is a no-op on SQLite).
    - Write-ahead logging with ``synchronous=NORMAL``: readers do not block, and a commit needs no
      fsync (a power cut may lose the last commits, never corrupt the file).
    """
    from sqlalchemy import event

    def on_connect(connection, _):
        connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(storage.engine, "connect", on_connect)
    event.listen(storage.engine, "begin", on_begin)
    storage.engine.dispose()


def retry_on_operational_error(make, tries=20):
    """Creating tables or a study from several processes at once can race on SQLite: try again."""
    from sqlalchemy.exc import OperationalError, IntegrityError

    for attempt in range(tries):
        try:
            return make()
        except (OperationalError, IntegrityError):
            if attempt == tries - 1:
                raise
            time.sleep(0.2 + random.random() * 0.5)
