"""The webhooks HTTP API (flask-smorest): partners, endpoints, deliveries, inbound reports."""
