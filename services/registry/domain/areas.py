"""The area hierarchy, from administrative codes. Pure logic.

Codes: province 2 digits + '0000', prefecture 4 + '00', county 6 (GB/T 2260), township 9,
village 12 (statistical division codes). A village code carries every level above it.
Above the provinces, the whole country (``COUNTRY``): the central office's view."""
from __future__ import annotations

# The whole country has no official code; 000000 can be none (no province is 00), so it
# never stands for an area a file or an upload could name.
COUNTRY = "000000"
COUNTRY_NAME = "全国"
LEVELS = ("country", "province", "prefecture", "county", "township", "village")
# Western region (西部): poverty incidence thresholds are 3% there, 2% elsewhere.
WESTERN_PROVINCES = {"15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}


def path_of(village_code: str) -> dict:
    """{'province': '620000', 'prefecture': '621200', 'county': '621202', 'township': '621202100', 'village': …}"""
    if len(village_code) != 12 or not village_code.isdigit():
        raise ValueError("a village code has 12 digits")
    return {
        "province": village_code[:2] + "0000",
        "prefecture": village_code[:4] + "00",
        "county": village_code[:6],
        "township": village_code[:9],
        "village": village_code,
    }


def level_of(code: str) -> str:
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    if len(code) != 6:
        raise ValueError(f"not an area code: {code}")
    if code == COUNTRY:
        return "country"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be an official area code, or None. A statistical division code has
    2 digits of province (never 00), 2 of prefecture, 2 of county, 3 of township and 3 of
    village; a township's or a village's first six digits are its county's, so they end
    neither in a prefecture's 00 nor in a province's 0000. (Whether the code exists is the
    gazetteer's question, issue 16.)"""
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return "An area code has 6, 9 or 12 digits."
    if code[:2] == "00":
        return "No province has the code 00."
    if len(code) > 6 and (code[2:4] == "00" or code[4:6] == "00"):
        return "Its first six digits are not a county's code."
    return None


def parent_of(code: str) -> str | None:
    level = level_of(code)
    if level == "country":
        return None
    if level == "province":
        return COUNTRY
    if level == "prefecture":
        return code[:2] + "0000"
    if level == "county":
        return code[:4] + "00"
    return code[:6] if level == "township" else code[:9]


def is_western(code: str) -> bool:
    return code[:2] in WESTERN_PROVINCES


def incidence_threshold(code: str, western: float = 0.03, elsewhere: float = 0.02) -> float:
    return western if is_western(code) else elsewhere


def contains(area_code: str, village_code: str) -> bool:
    """Is the village inside the area (any level)?"""
    if area_code == COUNTRY:
        return True
    return path_of(village_code)[level_of(area_code)] == area_code


def prefix_of(code: str) -> str:
    """The code prefix every village inside the area starts with."""
    return {"country": "", "province": code[:2], "prefecture": code[:4], "county": code[:6]}.get(level_of(code), code)
