"""Run the test suite against real PostgreSQL and Redis where they are reachable.

DATABASE_URL and REDIS_URL default to the local servers. When one cannot be
reached, the suite falls back (SQLite, no Redis) with a clear notice, except
with CI=true, where a missing service is a failure, never a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    in_ci = env.get("CI", "").lower() in ("1", "true", "yes")
    database_url = env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    missing = []
    if not reachable(database_url, 5432):
        missing.append(f"PostgreSQL at {urlparse(database_url).hostname}:{urlparse(database_url).port or 5432}")
        del env["DATABASE_URL"]
    if not reachable(redis_url, 6379):
        missing.append(f"Redis at {urlparse(redis_url).hostname}:{urlparse(redis_url).port or 6379}")
        del env["REDIS_URL"]
    if missing:
        if in_ci:
            print(f"CI=true and these services cannot be reached: {', '.join(missing)}.", file=sys.stderr)
            return 1
        print("=" * 78, file=sys.stderr)
        print(f"NOTICE: cannot reach {', '.join(missing)}.", file=sys.stderr)
        print(
            "Falling back: SQLite for the database and/or no Redis; tests that need them are skipped.", file=sys.stderr
        )
        print("=" * 78, file=sys.stderr)
    env["MYSTERYSHOP_REQUIRE_SERVICES"] = "1" if in_ci else "0"
    return subprocess.call([sys.executable, "-m", "pytest", *argv], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
