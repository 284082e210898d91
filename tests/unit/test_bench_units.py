"""The benchmark harness's arithmetic (no servers): what its figures are measured from."""
from datetime import datetime, timezone

from bench.publish import latency_figures, wall_seconds


def test_latency_runs_from_the_write_not_from_a_late_response():
    # The event reached the stream 0.3 s after the write, but the response (held by the
    # audit-log append after the write) came 0.5 s after the write: from the response it is
    # -0.2 s, which is what the harness once reported as the latency.
    answered = {f"S{i}": (100.0 + i, 100.1 + i, 100.6 + i) for i in range(10)}
    seen = {f"S{i}": 100.4 + i for i in range(10)}
    figures = latency_figures(answered, seen)
    assert figures["measured"] == 10 and figures["missing"] == 0
    assert abs(figures["p50_ms"] - 300) < 0.01 and abs(figures["p99_ms"] - 300) < 0.01
    assert abs(figures["from_request"]["p50_ms"] - 400) < 0.01
    assert abs(figures["from_response"]["p50_ms"] + 200) < 0.01
    assert abs(figures["write_to_response_p50_ms"] - 500) < 0.01


def test_a_sale_never_seen_is_missing_not_measured():
    figures = latency_figures({"S1": (1.0, 1.1, 1.2), "S2": (2.0, 2.1, 2.2)}, {"S1": 1.5})
    assert figures["measured"] == 1 and figures["missing"] == 1
    assert abs(figures["p50_ms"] - 400) < 0.01


def test_the_write_time_the_api_gives_is_read_as_utc():
    expected = datetime(2026, 11, 29, 8, 0, 0, 123000, tzinfo=timezone.utc).timestamp()
    assert wall_seconds("2026-11-29T08:00:00.123000") == expected       # naive, as read back from the store
    assert wall_seconds("2026-11-29T08:00:00.123000+00:00") == expected
    assert wall_seconds("2026-11-29T16:00:00.123+08:00") == expected


def test_profile_layers_go_by_the_innermost_known_frame_and_skip_monitor_threads():
    from bench.profile import layers
    raw = "\n".join([
        "run (gunicorn/workers/gthread.py:1);get (services/registry/api/resources.py:3);"
        "recv_into (pymongo/network_layer.py:9) 6",
        "run (gunicorn/workers/gthread.py:1);poll (kafka/consumer/group.py:2);_unpack (kafka/record/default_records.py:5) 3",
        "run (gunicorn/workers/gthread.py:1);dumps (services/registry/api/feed.py:8);<genexpr> (<frozen abc>:1) 1",
        "_run (pymongo/periodic_executor.py:1);sleep (pymongo/periodic_executor.py:2) 40",
    ])
    assert layers(raw) == {"waiting for the store (pymongo socket)": 0.6, "kafka-python": 0.3, "the project's code": 0.1}
