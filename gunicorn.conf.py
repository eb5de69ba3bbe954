"""gunicorn's settings beside the command line's (Procfile): what the metrics page needs.

Each worker process keeps its request metrics in files in PROMETHEUS_MULTIPROC_DIR, and
/metrics adds up the files of every worker (mysteryshop.metrics). The directory must be
empty when gunicorn starts and is this gunicorn's own (a fresh one under /tmp unless set).
"""

import os
import shutil
import tempfile

directory = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"mysteryshop-metrics-{os.getpid()}")
)


def on_starting(server):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
