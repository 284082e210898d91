"""The registry's scheduled tasks, where deploy/k8s/generate.py finds every service's
(shared.programs.tasks): ``python -m services.registry.tasks finish-due``, the same task as
``python -m services.registry.notices finish-due``."""
import sys

from services.registry.notices import TASKS, main

__all__ = ["TASKS", "main"]

if __name__ == "__main__":
    sys.exit(main())
