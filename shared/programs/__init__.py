"""What every program service shares: the households read model fed by the registry's
compacted topic, and enrolment (with its API and pages). A program service adds its own
records beside them."""
