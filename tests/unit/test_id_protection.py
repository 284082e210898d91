"""ID numbers are stored encrypted; a file whose number this key cannot open (the key was
changed) is shown with the masked number instead of failing the page it is on."""
import logging

from shared.auth.roles import CENTRAL, Principal
from shared.config import Settings
from services.registry.adapters.persons import IdProtection
from services.registry.api.presenting import present


def protection(secret: str) -> IdProtection:
    return IdProtection(Settings.from_env("registry", {"SECRET_KEY": secret}))


def test_a_number_comes_back_with_its_key_and_not_with_another(caplog):
    stored = protection("the-office-key-of-2026").protect("620102199001011234")
    assert protection("the-office-key-of-2026").reveal(stored["id_cipher"]) == "620102199001011234"
    with caplog.at_level(logging.ERROR):
        assert protection("another-key-altogether").reveal(stored["id_cipher"]) is None
    assert "cannot be decrypted" in caplog.text


def test_a_file_whose_number_cannot_be_opened_shows_the_masked_number():
    stored = protection("the-office-key-of-2026").protect("620102199001011234")
    household = {"_id": "H621202-0001", "members": [{"name": "王建国", **stored}]}
    shown = present(household, Principal("central", CENTRAL), protection("another-key-altogether"))
    assert shown["members"] == [{"name": "王建国", "id_number": stored["id_masked"]}]
    assert "id_cipher" in household["members"][0]  # the stored file is left as it was
