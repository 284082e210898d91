"""Webhooks rules in plain Python: matching, retry schedule, ordering, payloads, SSRF, secrets."""
