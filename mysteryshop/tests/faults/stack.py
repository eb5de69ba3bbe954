"""The real processes of a deployment, started and stopped by the fault tests.

Each test starts what it needs on 127.0.0.1 only: its own redis-server (ports 6391-6399),
gunicorn, Celery workers and beats, an SMTP server, even a PostgreSQL cluster, and stops
them all at the end (fixtures with finalizers). Every wait is on a condition with a
generous, bounded timeout; every loop is bounded in count and time.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent
METRICS_TOKEN = "fault-suite-metrics-token-" + "x" * 16


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "a condition"):
    """Poll `predicate` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Waited {timeout} s for {what}.")


class Process:
    """One service process, in its own process group, its output in a log file."""

    def __init__(self, name: str, command: list[str], *, env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(  # noqa: S603 (fixed commands of this test suite)
            command, cwd=BASE_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def running(self) -> bool:
        return self.popen.poll() is None

    def wait_for_log(self, pattern: str, *, timeout: float = 60) -> None:
        def seen():
            if not self.running():
                raise AssertionError(f"{self.name} stopped (exit {self.popen.returncode}):\n{self.log()[-3000:]}")
            return re.search(pattern, self.log())

        wait_for(seen, timeout=timeout, what=f"{self.name} to log {pattern!r}")

    def signal(self, number: int) -> None:
        os.kill(self.pid, number)

    def signal_group(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, number)

    def group_alive(self) -> bool:
        self.popen.poll()  # reap the main process if it has ended (a zombie still counts in its group)
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self, timeout: float = 20) -> None:
        """Stop it and everything it started: SIGCONT (if frozen), SIGTERM, then SIGKILL."""
        self.signal_group(signal.SIGCONT)
        self.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.group_alive():
            self.popen.poll()
            time.sleep(0.1)
        self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        self._log.close()


# --- The services -------------------------------------------------------------------------------


def start_redis(port: int, log_dir: Path) -> Process:
    assert 6391 <= port <= 6399, "the fault suite's own Redis ports"
    process = Process(
        f"redis-{port}",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(log_dir)],
        env=dict(os.environ), log_dir=log_dir,
    )  # fmt: skip
    client = redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)

    def answers():
        try:
            return client.ping()
        except redis.RedisError:
            return False

    wait_for(answers, timeout=30, what=f"redis-server on port {port}")
    # The one that answers must be ours, not one left running by something else on this port.
    assert process.running() and client.info("server")["process_id"] == process.pid, f"port {port} is taken"
    return process


def site_env(*, database_url: str, redis_url: str, static_root: Path, tmp: Path, **extra: str) -> dict:
    """The environment of a production-like deployment (DJANGO_DEBUG=0) on 127.0.0.1."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PROMETHEUS_"))}
    media = tmp / "private-media"
    media.mkdir(exist_ok=True)
    return (
        env
        | {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_DEBUG": "0",
            # The test process's key: sessions it signs in are signed with it.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(media),
            "EMAIL_URL": "dummymail://",
            "MYSTERYSHOP_METRICS_TOKEN": METRICS_TOKEN,
            "PYTHONUNBUFFERED": "1",
        }
        | extra
    )


def start_gunicorn(env: dict, port: int, log_dir: Path, *, workers: int = 2) -> Process:
    env = env | {"PROMETHEUS_MULTIPROC_DIR": str(log_dir / f"metrics-{port}")}
    process = Process(
        f"gunicorn-{port}",
        [str(VENV_BIN / "gunicorn"), "mysteryshop.wsgi", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "5"],
        env=env, log_dir=log_dir,
    )  # fmt: skip
    site = Site(port)
    wait_for(lambda: site.answers(), timeout=90, interval=0.5, what=f"gunicorn on port {port}")
    return process


def start_worker(env: dict, name: str, log_dir: Path, *, concurrency: int = 2) -> Process:
    process = Process(
        name,
        [sys.executable, "-m", "celery", "-A", "mysteryshop", "worker", "--loglevel", "INFO", "--concurrency",
         str(concurrency), "--hostname", f"{name}@%h", "--without-mingle", "--without-gossip"],
        env=env, log_dir=log_dir,
    )  # fmt: skip
    process.wait_for_log(r" ready\.", timeout=90)
    return process


def start_beat(env: dict, name: str, log_dir: Path, *, wait: bool = True) -> Process:
    """Celery beat, checking its schedule every second (each beat sends every due task itself)."""
    process = Process(
        name,
        [sys.executable, "-m", "celery", "-A", "mysteryshop", "beat", "--loglevel", "INFO",
         "--pidfile", str(log_dir / f"{name}.pid"), "--max-interval", "1"],
        env=env, log_dir=log_dir,
    )  # fmt: skip
    if wait:
        process.wait_for_log(r"beat: Starting", timeout=90)
    return process


def start_smtp(port: int, directory: Path, log_dir: Path) -> Process:
    directory.mkdir(exist_ok=True)
    process = Process(
        f"smtp-{port}", [sys.executable, "-m", "mysteryshop.tests.smtp", str(port), str(directory)],
        env=dict(os.environ), log_dir=log_dir,
    )  # fmt: skip
    process.wait_for_log("SMTP server listening", timeout=30)
    return process


def send_task(redis_url: str, name: str, **options) -> None:
    """Send a task by name to the workers of this Redis, as beat would."""
    from celery import Celery

    sender = Celery(broker=redis_url)
    sender.conf.task_default_queue = "celery"
    with sender.connection_for_write() as connection:
        sender.send_task(name, connection=connection, **options)


def queue_is_idle(redis_url: str) -> bool:
    """No task waiting in the queue and none taken but unfinished."""
    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


# --- A person's browser, without the browser ------------------------------------------------------


@dataclass
class Answer:
    status: int
    seconds: float
    body: str
    headers: dict


class Site:
    """Requests to a gunicorn on 127.0.0.1 as a signed-in person (their session cookie) would send them."""

    def __init__(self, port: int, session_key: str = ""):
        self.port = port
        # With DJANGO_DEBUG=0 the cookies have the __Host- prefix. Any 32 letters make a CSRF secret;
        # the form sends the same back.
        self.csrf = secrets.token_hex(16)
        cookies = {"__Host-csrftoken": self.csrf}
        if session_key:
            cookies["__Host-sessionid"] = session_key
        self.cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())

    def request(self, method: str, path: str, *, data: dict | None = None, headers=None, timeout=60) -> Answer:
        body = urllib.parse.urlencode(data or {}) if method == "POST" else None
        sent = {"Cookie": self.cookie, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            return Answer(response.status, time.monotonic() - started, text, dict(response.getheaders()))
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs) -> Answer:
        return self.request("POST", path, data={"csrfmiddlewaretoken": self.csrf, **(data or {})}, **kwargs)

    def answers(self) -> bool:
        try:
            return self.get("/healthz", timeout=10).status in (200, 503)
        except OSError:
            return False

    def metrics(self) -> Answer:
        return self.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30)


def summary(numbers: list[float]) -> str:
    ordered = sorted(numbers)
    if not ordered:
        return "none"
    return (
        f"n={len(ordered)} median={ordered[len(ordered) // 2]:.3f}s "
        f"p95={ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]:.3f}s max={ordered[-1]:.3f}s"
    )
