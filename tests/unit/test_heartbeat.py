"""Liveness of loop processes: a heartbeat file touched by the loop, checked by the probe."""
import os
import time

from shared import heartbeat


def test_beat_touches_the_file_and_check_accepts_it(tmp_path, monkeypatch):
    path = tmp_path / "run" / "heartbeat"
    monkeypatch.setenv(heartbeat.ENV, str(path))
    monkeypatch.setattr(heartbeat, "_last", 0.0)
    heartbeat.beat(now=1000.0)
    assert path.exists()
    assert heartbeat.main(["check", "--max-age", "60"]) == 0


def test_check_fails_when_missing_or_stale(tmp_path, monkeypatch):
    path = tmp_path / "heartbeat"
    monkeypatch.setenv(heartbeat.ENV, str(path))
    assert heartbeat.main(["check"]) == 1
    path.touch()
    old = time.time() - 300
    os.utime(path, (old, old))
    assert heartbeat.main(["check", "--max-age", "120"]) == 1
    assert heartbeat.main(["check", "--max-age", "600"]) == 0


def test_beat_is_cheap_between_turns_and_silent_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(heartbeat.ENV, raising=False)
    heartbeat.beat()  # nothing to do, no error
    path = tmp_path / "heartbeat"
    monkeypatch.setenv(heartbeat.ENV, str(path))
    monkeypatch.setattr(heartbeat, "_last", 0.0)
    heartbeat.beat(now=100.0)
    path.unlink()
    heartbeat.beat(now=101.0)   # within the interval: not touched again
    assert not path.exists()
    heartbeat.beat(now=106.0)
    assert path.exists()
