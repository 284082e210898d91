"""Reading an edition of the official codes: levels, our code forms, parents, the province
filter, and the integrity check (a small tarball shaped like the pinned package's)."""
import base64
import hashlib
import io
import tarfile

import pytest

from shared.gazetteer import edition as editions

FILES = {
    "provinces.csv": "code,name\n62,\"甘肃省\"\n11,\"北京市\"\n",
    "cities.csv": "code,name,provinceCode\n6212,\"陇南市\",62\n1101,\"市辖区\",11\n",
    "areas.csv": "code,name,cityCode,provinceCode\n621202,\"武都区\",6212,62\n110101,\"东城区\",1101,11\n",
    "streets.csv": "code,name,areaCode,provinceCode,cityCode\n621202103,\"两水镇\",621202,62,6212\n",
    "villages.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                    "621202103200,\"后坝村委会\",621202103,62,6212,621202\n",
}


@pytest.fixture
def edition(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in FILES.items():
            data = text.encode()
            info = tarfile.TarInfo(f"package/dist/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    monkeypatch.setenv("JINGZHUN_CACHE", str(tmp_path))
    pinned = editions.Edition(name="test", package="fake-division", version="1.0.0", published="test",
                              integrity="sha512-" + base64.b64encode(hashlib.sha512(buffer.getvalue()).digest()).decode())
    (tmp_path / "gazetteer").mkdir()
    (tmp_path / "gazetteer" / "fake-division-1.0.0.tgz").write_bytes(buffer.getvalue())
    return pinned


def test_rows_come_top_level_first_in_our_code_forms(edition):
    rows = list(editions.rows(None, edition))
    assert [(r["_id"], r["level"], r["parent"]) for r in rows] == [
        ("620000", "province", None), ("110000", "province", None),
        ("621200", "prefecture", "620000"), ("110100", "prefecture", "110000"),
        ("621202", "county", "621200"), ("110101", "county", "110100"),
        ("621202103", "township", "621202"), ("621202103200", "village", "621202103")]
    assert rows[-1]["name"] == "后坝村委会"


def test_a_province_filter_keeps_that_province_only(edition):
    assert {r["_id"][:2] for r in editions.rows({"62"}, edition)} == {"62"}


def test_a_tarball_that_is_not_the_pinned_one_is_refused(edition, tmp_path):
    other = tmp_path / "other.tgz"
    other.write_bytes(b"not the package")
    with pytest.raises(SystemExit, match="integrity"):
        editions._check(other, edition)
    editions._check(editions.tarball(edition), edition)  # the pinned one passes
