"""Malformed or hostile files are refused with file/line where possible, and nothing is written."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from assessor.bank.load import load_bank
from assessor.cli import app
from assessor.exchange.bank_io import export_items
from tests.exchange.helpers import snapshot

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="essay"><name><text>&lol3;</text></name></question></quiz>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&x;</text></name></question></quiz>
"""
DTD_ONLY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://example.org/quiz.dtd">
<quiz/>
"""
MALFORMED = b"""<?xml version="1.0"?>
<quiz>
  <question type="truefalse">
    <name><text>x</text>
  </question>
</quiz>
"""


def _import(file: Path, bank: Path, *extra: str) -> Result:
    return CliRunner().invoke(app, ["bank", "import", str(file), "--bank", str(bank), *extra])


def _refused(file: Path, bank: Path) -> str:
    before = snapshot(bank)
    for extra in ((), ("--dry-run",)):
        result = _import(file, bank, *extra)
        assert result.exit_code == 1, result.output
        assert snapshot(bank) == before
    return result.output


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, DTD_ONLY], ids=["laughs", "external", "dtd"])
def test_entities_and_dtds_are_refused(tiny_bank_dir: Path, tmp_path: Path, payload: bytes) -> None:
    file = tmp_path / "evil.xml"
    file.write_bytes(payload)
    output = _refused(file, tiny_bank_dir)
    assert "evil.xml" in output and "DTD or entities" in output
    assert "root:" not in output


def test_malformed_xml_names_the_line(tiny_bank_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "broken.xml"
    file.write_bytes(MALFORMED)
    output = _refused(file, tiny_bank_dir)
    assert "broken.xml:5" in output and "malformed XML" in output


def test_a_file_over_the_cap_is_refused(tiny_bank_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assessor.exchange.bank_io.MAX_XML_BYTES", 1000)
    file = tmp_path / "big.xml"
    file.write_bytes(b"<quiz>" + b" " * 2000 + b"</quiz>")
    assert "limit is 1000 bytes" in _refused(file, tiny_bank_dir)


def _zip(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for info, data in members:
            package.writestr(info, data)
    return buffer.getvalue()


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize("member", ["../../evil.xml", "/etc/evil.xml", "items\\..\\evil.xml", "link"],
                         ids=["dotdot", "absolute", "backslash", "symlink"])
def test_zip_slips_are_refused(tiny_bank_dir: Path, tmp_path: Path, member: str) -> None:
    info: zipfile.ZipInfo | str = _symlink(member) if member == "link" else member
    file = tmp_path / "slip.zip"
    file.write_bytes(_zip([("imsmanifest.xml", b"<manifest/>"), (info, b"/etc/passwd")]))
    output = _refused(file, tiny_bank_dir)
    assert "slip.zip" in output and ("outside the package" in output or "symbolic link" in output)
    assert not (tmp_path / "evil.xml").exists()


def test_a_zip_bomb_is_refused(tiny_bank_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assessor.exchange.qti.MAX_ZIP_BYTES", 100_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("imsmanifest.xml", b" " * 1_000_000)
    file = tmp_path / "bomb.zip"
    file.write_bytes(buffer.getvalue())
    assert "unpacks to more than" in _refused(file, tiny_bank_dir)


def test_a_manifest_naming_a_missing_file_is_refused(tiny_bank_dir: Path, tmp_path: Path) -> None:
    data = export_items(load_bank(tiny_bank_dir), "qti")
    source = zipfile.ZipFile(io.BytesIO(data))
    kept = [(n, source.read(n)) for n in source.namelist() if not n.endswith(".en.xml")]
    file = tmp_path / "half.zip"
    file.write_bytes(_zip([(n, d) for n, d in kept]))
    output = _refused(file, tiny_bank_dir)
    assert "half.zip" in output and "not in the package" in output


def test_a_moodle_question_in_one_language_is_refused_with_its_line(tiny_bank_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "one.xml"
    file.write_bytes(b"""<?xml version="1.0"?>
<quiz>
  <question type="truefalse">
    <name><text>q1</text></name>
    <questiontext format="html"><text>Water boils at 100 C.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
""")
    output = _refused(file, tiny_bank_dir)
    assert "one.xml:5" in output and "zh and en" in output


def test_an_invalid_item_is_refused_by_the_bank_checks(tiny_bank_dir: Path, tmp_path: Path) -> None:
    text = export_items(load_bank(tiny_bank_dir), "moodle").decode()
    file = tmp_path / "bad.xml"
    file.write_text(text.replace("<text>level:", "<text>level:9", 1).replace("<text>course:", "<text>course:NOPE-", 1),
                    encoding="utf-8")
    output = _refused(file, tiny_bank_dir)
    assert "bad.xml:" in output and "unknown level" in output and "does not exist" in output
    assert "nothing was written" in output


def test_a_qti_package_listing_only_chinese_variants_is_refused(tiny_bank_dir: Path, tmp_path: Path) -> None:
    from lxml import etree

    data = export_items(load_bank(tiny_bank_dir), "qti")
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = etree.fromstring(source.read("imsmanifest.xml"))
    for resource in [r for r in manifest.iter("{*}resource") if r.get("href", "").endswith(".en.xml")]:
        resource.getparent().remove(resource)
    members = [(n, etree.tostring(manifest) if n == "imsmanifest.xml" else source.read(n)) for n in source.namelist()]
    file = tmp_path / "zh-only.zip"
    file.write_bytes(_zip(members))
    assert "lacks its en variant" in _refused(file, tiny_bank_dir)


def test_bad_numbers_and_bad_metadata_are_refused_not_crashed(tiny_bank_dir: Path, tmp_path: Path) -> None:
    text = export_items(load_bank(tiny_bank_dir), "moodle").decode()
    fraction = tmp_path / "fraction.xml"
    fraction.write_text(text.replace('fraction="0"', 'fraction="lots"', 1), encoding="utf-8")
    assert "fraction.xml:" in _refused(fraction, tiny_bank_dir) and "not a number" in _refused(fraction, tiny_bank_dir)
    meta = tmp_path / "meta.xml"
    meta.write_text(text.replace('}</assessor>', ', "option_ids": 7}</assessor>'), encoding="utf-8")
    assert "unreadable content" in _refused(meta, tiny_bank_dir)
    broken = tmp_path / "json.xml"
    broken.write_text(text.replace("<assessor>{", "<assessor>{{", 1), encoding="utf-8")
    assert "not valid JSON" in _refused(broken, tiny_bank_dir)


def test_an_unknown_field_in_the_metadata_is_refused_with_its_line(tiny_bank_dir: Path, tmp_path: Path) -> None:
    text = export_items(load_bank(tiny_bank_dir), "moodle").decode()
    meta = tmp_path / "meta.xml"
    meta.write_text(text.replace('<assessor>{"', '<assessor>{"colour": "red", "', 1), encoding="utf-8")
    assert "unknown field 'colour'" in _refused(meta, tiny_bank_dir)
