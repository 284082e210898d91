"""A second run of the set-up downloads and rebuilds nothing (``make test`` ran it first)."""
import os
import subprocess
import sys

from tests.support import ROOT


def test_the_stack_fetch_is_cached():
    done = subprocess.run([sys.executable, "deploy/local/stack.py", "fetch"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "kafka 4.1.1: cached" in output and "ferretdb 1.24.2: cached" in output, output


def test_the_virtualenv_is_up_to_date():
    venv_dir = os.path.dirname(os.path.dirname(sys.executable))
    # `make -q` exits 0 only if the target needs no work.
    done = subprocess.run(["make", "-q", "venv", f"VENV={venv_dir}"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"make would reinstall the virtualenv: {done.stdout}{done.stderr}"
