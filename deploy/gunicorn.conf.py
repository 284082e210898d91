"""gunicorn settings shared by every service (the bind address comes from the command).

Why these values: docs/operations.md, "Web servers (gunicorn)". In short: requests mostly
wait on the store, so a few threads per worker; two workers so one can be recycled while
the other serves; scale out with more pods (or instances), not more workers."""
import os
import shutil

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30            # a worker silent this long is replaced; long work runs in the background
graceful_timeout = 20   # on SIGTERM, finish requests in hand; the pod grace period is longer
accesslog = "-"
access_log_format = '{"time":"%(t)s","level":"INFO","logger":"access","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,"bytes":"%(B)s","duration_ms":%(M)s}'


def on_starting(server):
    # Metrics of every worker are summed from files here; start each run clean.
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
