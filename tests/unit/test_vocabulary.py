"""Every code the UI shows through _() has a zh_CN translation and an English label."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from services.registry.domain import change_requests, exit_rules, households
from shared.auth.roles import ROLES
from shared.events.types.ecommerce import CHANNELS
from shared.events.types import relocation
from services.relocation.domain.lifecycle import STEPS as RELOCATION_STEPS

ROOT = Path(__file__).resolve().parents[2]
CODES = (set(exit_rules.STATUSES) | set(households.CAUSES) | set(households.RELATIONS) | set(households.SEXES)
         | set(households.HEALTH) | set(households.EDUCATION) | set(households.LABOUR) | set(households.SCHOOLING)
         | {s for steps in exit_rules.TRANSITIONS.values() for s in steps} | set(exit_rules.GUARANTEES)
         | set(change_requests.KINDS) | set(ROLES) | set(CHANNELS)
         | set(relocation.SITE_KINDS) | set(relocation.STAGES) | set(relocation.SUBSIDY_KINDS)
         | {relocation.RISK_NO_EMPLOYMENT} | set(RELOCATION_STEPS) | {"pay_subsidy"})


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_code_is_translated(locale):
    with open(ROOT / "shared/translations" / locale / "LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    missing = sorted(code for code in CODES if not (catalog.get(code) and catalog.get(code).string))
    assert not missing, f"add to shared/web/vocabulary.py and translate ({locale}): {missing}"
