"""Redirects stay on the site (issue 18): one check for every target taken from a request, and
no redirect anywhere that takes its target otherwise."""
import re
from pathlib import Path

import pytest

from shared.web.redirects import same_site

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("target", ["/households/H1", "/change-requests?status=proposed", "/a/b#c", "/"])
def test_a_path_on_this_site_is_kept(target):
    assert same_site(target, "/fallback") == target


@pytest.mark.parametrize("target", [None, "", "https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "\\\\evil.example", "/\\/evil.example", "javascript:alert(1)", "evil.example/x",
                                    "/x\\y", "/\r\n//evil.example", "/\t/evil.example", "http:/evil.example"])
def test_anything_that_could_leave_the_site_falls_back(target):
    assert same_site(target, "/fallback") == "/fallback"


def test_every_redirect_goes_to_a_route_of_the_app_or_through_the_one_check():
    calls = []
    for path in sorted([*ROOT.glob("services/**/*.py"), *ROOT.glob("shared/**/*.py")]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in re.finditer(r"\bredirect\((.*)", line):
                calls.append((f"{path.relative_to(ROOT)}:{number}", match.group(1)))
    assert calls, "no redirects found: the scan is broken"
    wild = [where for where, argument in calls if not argument.startswith(("url_for(", "same_site("))]
    assert wild == [], f"redirect targets not from url_for nor checked by same_site: {wild}"
