"""The delivery worker's parts (worker.py runs them), free of Flask: the intake records a
delivery per (stream event, matching endpoint); the dispatcher sends what is due."""
