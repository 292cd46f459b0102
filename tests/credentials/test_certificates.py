"""Issue a certificate, verify it offline from the PDF, a photo of its QR code and the JSON; catch tampering,
unknown issuers and revocation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import segno

from assessor.credentials import CredentialError, issue, revoke, verify_bytes, verify_file
from assessor.credentials.record import RECORD_PATTERN
from assessor.credentials.registry import import_revocations, revocation_list
from assessor.privacy import data_rights_log
from assessor.store import Store
from assessor.sync import init_centre, trust
from tests.credentials.conftest import CENTRE, Centre


def test_issue_then_every_form_verifies_valid(centre: Centre, tmp_path: Path) -> None:
    issued = issue(centre.store, centre.data, centre.session.resume_code, actor="li")
    claim = issued.claim
    assert (claim.name, claim.role, claim.level, claim.ready, claim.centre) == ("王阿姨", "housekeeper", 5, True, CENTRE)
    assert claim.areas == [("cleaning", "at"), ("cooking", "below"), ("safety", "not_measured")]
    assert claim.bank_version == "bank-7" and claim.date == centre.session.ended_at.date().isoformat()

    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(issued.pdf)
    verdict = verify_file(pdf, centre.data, centre.store)
    assert verdict.status == "valid", verdict.detail
    assert verdict.claim == claim

    image = io.BytesIO()
    segno.make(issued.record, error="m", micro=False).save(image, kind="png", scale=6)
    photo = tmp_path / "qr.png"
    photo.write_bytes(image.getvalue())
    assert verify_file(photo, centre.data, centre.store).status == "valid"

    document = tmp_path / "cert.json"
    document.write_text(json.dumps(issued.credential, ensure_ascii=False), encoding="utf-8")
    verdict = verify_file(document, centre.data, centre.store)
    assert verdict.status == "valid", verdict.detail
    assert verdict.claim == claim
    assert issued.credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert issued.credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert [e.action for e in data_rights_log(centre.store)] == ["certificate_issue"]


def test_the_qr_drawn_in_the_pdf_decodes_to_the_record(centre: Centre) -> None:
    from PIL import Image, ImageDraw
    from pyzbar.pyzbar import decode

    from assessor.credentials.pdf import QRFlowable

    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    flowable = QRFlowable(issued.record)
    matrix, scale, border = flowable.qr.matrix, 5, 4
    size = (len(matrix) + 2 * border) * scale
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                x, y = (col + border) * scale, (row + border) * scale
                draw.rectangle([x, y, x + scale - 1, y + scale - 1], fill=0)
    [symbol] = decode(image)
    assert symbol.data.decode() == issued.record


def _flip(text: str, at: int) -> str:
    return text[:at] + ("B" if text[at] != "B" else "C") + text[at + 1:]


def test_a_one_byte_change_is_tampered(centre: Centre, tmp_path: Path) -> None:
    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    # the record in the PDF: one letter of the signed claim changed
    match = RECORD_PATTERN.search(issued.pdf)
    assert match is not None
    start = match.start() + len("ASC1.") + 10
    changed = bytearray(issued.pdf)
    changed[start] = ord("B") if changed[start] != ord("B") else ord("C")
    verdict = verify_bytes(bytes(changed), centre.data, centre.store)
    assert verdict.status == "tampered", verdict.detail
    # the record string itself
    assert verify_bytes(_flip(issued.record, 30).encode(), centre.data, centre.store).status == "tampered"
    # the JSON credential: the level changed by one byte
    text = json.dumps(issued.credential, ensure_ascii=False)
    assert '"value":"L5"' in text.replace(" ", "")
    forged = text.replace('"L5"', '"L4"')
    assert len(forged) == len(text) and forged != text
    assert verify_bytes(forged.encode(), centre.data, centre.store).status == "tampered"
    # a name changed in the JSON
    forged_name = text.replace("王阿姨", "王阿妈")
    assert verify_bytes(forged_name.encode(), centre.data, centre.store).status == "tampered"
    # the untouched ones are still valid
    assert verify_bytes(issued.pdf, centre.data, centre.store).status == "valid"


def test_unknown_issuer_until_the_hub_trusts_the_centre(centre: Centre, tmp_path: Path) -> None:
    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    hub = tmp_path / "hub"
    Store(f"sqlite:///{hub / 'assessor.sqlite'}")
    init_centre(hub, "Hub")
    document = json.dumps(issued.credential).encode()
    assert verify_bytes(issued.pdf, hub).status == "unknown_issuer"
    assert verify_bytes(document, hub).status == "unknown_issuer"
    trust(hub, centre.data / "centre.pub")
    assert verify_bytes(issued.pdf, hub).status == "valid"
    assert verify_bytes(document, hub).status == "valid"
    # a forger's key named like the centre is still unknown
    forger = tmp_path / "forger"
    init_centre(forger, CENTRE)
    other = Store(f"sqlite:///{forger / 'assessor.sqlite'}")
    from tests.credentials.conftest import finished_session

    finished_session(other)
    forged = issue(other, forger, other.list_sessions()[0][0].id, actor="x")
    assert verify_bytes(forged.pdf, hub).status == "unknown_issuer"


def test_revoked_at_the_centre_and_at_a_hub_that_imported_the_list(centre: Centre, tmp_path: Path) -> None:
    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    hub = tmp_path / "hub"
    trust(hub, centre.data / "centre.pub")
    revoke(centre.store, issued.claim.id, actor="zhang", reason="wrong person")
    assert verify_bytes(issued.pdf, centre.data, centre.store).status == "revoked"
    assert verify_bytes(json.dumps(issued.credential).encode(), centre.data, centre.store).status == "revoked"
    assert verify_bytes(issued.pdf, hub).status == "valid"  # the hub has not heard yet
    listing = tmp_path / "revoked.json"
    listing.write_text(json.dumps(revocation_list(centre.store, centre.data)), encoding="utf-8")
    assert import_revocations(hub, listing) == (CENTRE, 1)
    assert verify_bytes(issued.pdf, hub).status == "revoked"
    # a list whose signature does not hold is refused
    data = json.loads(listing.read_text(encoding="utf-8"))
    data["revoked"].append("0" * 32)
    listing.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CredentialError, match="signature"):
        import_revocations(hub, listing)
    assert [e.action for e in data_rights_log(centre.store)] == ["certificate_issue", "certificate_revoke"]


def test_refusals_say_why(centre: Centre, tmp_path: Path) -> None:
    with pytest.raises(CredentialError, match="no session"):
        issue(centre.store, centre.data, "NOSUCHCODE", actor="li")
    worker = centre.store.get_or_create_worker("B-02", centre=CENTRE)
    active = centre.store.create_session(worker, role="housekeeper", target_level=5, bank_version="b",
                                         engine_settings={}, state={})
    with pytest.raises(CredentialError, match="not finished"):
        issue(centre.store, centre.data, active.id, actor="li")
    with pytest.raises(CredentialError, match="assessor centre init"):
        issue(centre.store, tmp_path / "no-key", centre.session.id, actor="li")
    with pytest.raises(CredentialError, match="no certificate"):
        revoke(centre.store, "nope", actor="li")
    # a trainer of another centre can neither issue nor revoke this centre's certificates
    with pytest.raises(CredentialError, match="in centre Qingdao-2"):
        issue(centre.store, centre.data, centre.session.id, actor="wu", centre="Qingdao-2")
    issued = issue(centre.store, centre.data, centre.session.id, actor="li", centre=CENTRE)
    with pytest.raises(CredentialError, match="by centre Qingdao-2"):
        revoke(centre.store, issued.claim.id, actor="wu", centre="Qingdao-2")
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x89PNG not really")
    assert verify_file(junk, centre.data).status == "tampered"


def test_a_changed_claim_with_the_old_signature_is_tampered(centre: Centre) -> None:
    import base64

    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    prefix, payload, signature = issued.record.split(".")
    claim = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    changed = claim.replace(b'"l":5', b'"l":4')
    assert changed != claim
    forged = f"{prefix}.{base64.urlsafe_b64encode(changed).rstrip(b'=').decode()}.{signature}"
    verdict = verify_bytes(forged.encode(), centre.data, centre.store)
    assert verdict.status == "tampered" and verdict.claim is not None and verdict.claim.level == 4


def test_twelve_areas_still_fit_on_one_page_and_the_record_is_in_the_pdf(centre: Centre) -> None:
    from pypdf import PdfReader

    from assessor.credentials.claim import Claim
    from assessor.credentials.pdf import certificate_pdf
    from assessor.credentials.record import sign_record
    from assessor.credentials.registry import centre_key

    key = centre_key(centre.data)
    claim = Claim(id="a" * 32, centre=CENTRE, key=key.fingerprint, name="欧阳娜娜", role="elderly_carer", level=3,
                  ready=False, level_reached=4, areas=[(f"area_number_{i}", "below") for i in range(12)],
                  date="2026-12-05", bank_version="0123456789ab")
    record = sign_record(claim, key)
    reader = PdfReader(io.BytesIO(certificate_pdf(claim, record)))
    assert len(reader.pages) == 1
    assert reader.metadata is not None and reader.metadata["/Keywords"] == record
    text = reader.pages[0].extract_text()
    assert "欧阳娜娜" in text and "area_number_11" in text and "assessor verify" in text


def test_a_worker_downloading_again_gets_the_same_certificate(centre: Centre) -> None:
    from assessor.credentials import certificates

    first = issue(centre.store, centre.data, centre.session.id, actor="worker", reuse=True)
    again = issue(centre.store, centre.data, centre.session.resume_code, actor="worker", reuse=True)
    assert again.claim.id == first.claim.id and again.record == first.record and again.credential == first.credential
    assert len(certificates(centre.store, centre.session.id)) == 1
    revoke(centre.store, first.claim.id, actor="li")
    fresh = issue(centre.store, centre.data, centre.session.id, actor="worker", reuse=True)
    assert fresh.claim.id != first.claim.id
    assert verify_bytes(fresh.pdf, centre.data, centre.store).status == "valid"


def test_a_tilted_jpeg_photo_of_the_qr_code_verifies(centre: Centre) -> None:
    from PIL import Image, ImageFilter

    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    png = io.BytesIO()
    segno.make(issued.record, error="m", micro=False).save(png, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(png.getvalue())).convert("L")
    photo = Image.new("L", (code.width + 300, code.height + 300), 170)
    photo.paste(code, (140, 160))
    photo = photo.rotate(8, resample=Image.Resampling.BICUBIC, fillcolor=170).filter(ImageFilter.GaussianBlur(1.2))
    jpeg = io.BytesIO()
    photo.convert("RGB").save(jpeg, format="JPEG", quality=70)
    assert verify_bytes(jpeg.getvalue(), centre.data, centre.store).status == "valid"


def test_any_changed_byte_of_the_pdf_file_is_caught(centre: Centre) -> None:
    from pypdf import PdfReader

    from assessor.credentials.pdf import split_pdf_signature

    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    assert len(PdfReader(io.BytesIO(issued.pdf)).pages) == 1  # readers ignore the signature line
    signed = split_pdf_signature(issued.pdf)
    assert signed is not None
    for at in (200, len(issued.pdf) // 2, len(signed[0]) - 3):  # header, page content, the %%EOF line
        changed = bytearray(issued.pdf)
        changed[at] ^= 0x01
        verdict = verify_bytes(bytes(changed), centre.data, centre.store)
        assert verdict.status == "tampered", (at, verdict.detail)
    # a PDF that lost its signature line (re-saved elsewhere) is judged by its QR record, and says so
    verdict = verify_bytes(signed[0], centre.data, centre.store)
    assert verdict.status == "valid" and "re-saved" in verdict.detail and verdict.resaved
    assert "重新保存" in verdict.message("zh") and "re-saved" in verdict.message("en")
    assert not verify_bytes(issued.pdf, centre.data, centre.store).resaved


def test_write_certificate_gives_the_two_files_a_download_serves(centre: Centre, tmp_path: Path) -> None:
    from assessor.credentials import write_certificate

    issued = issue(centre.store, centre.data, centre.session.id, actor="li")
    pdf, document = write_certificate(issued, tmp_path / "downloads")
    assert pdf.name == f"certificate-{issued.claim.id}.pdf" and pdf.read_bytes() == issued.pdf
    assert verify_file(document, centre.data, centre.store).status == "valid"
    assert sorted(p.name for p in (tmp_path / "downloads").iterdir()) == sorted([pdf.name, document.name])
