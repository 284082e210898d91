"""Bulk import of household files from CSV and Excel (.xlsx): see docs/import-format.md.

parsing (bytes → cells) → validation (cells → households or row errors; pure) → runs (the
store checks, the run document and the batched, idempotent write) → service (the use cases
the web calls) / cli → api / ui."""
