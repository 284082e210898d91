"""``make bench``: Jingzhun measured against the parts it stands on (kafka-python, the store,
a bare Flask app under the same gunicorn), in one run on one machine. See docs/benchmarks.md.

It lives at the top of the repository beside ``tests/``, not under ``deploy/``: like the tests
it drives the real services and processes; it is not something that is deployed."""
