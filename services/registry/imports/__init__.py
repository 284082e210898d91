"""Bulk import of household files from CSV and Excel (.xlsx): see docs/import-format.md.

parsing (bytes → cells) → validation (cells → households or row errors; pure) → jobs (the
store checks, the job document and the batched, idempotent write) → cli / api / ui."""
