"""Words on a certificate and in `assessor verify`'s answer, in Chinese and English."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assessor.bank.schema import LEVEL_NAMES

if TYPE_CHECKING:
    from assessor.credentials.claim import Claim

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "技能测评结果证书", "en": "Skills Assessment Certificate"},
    "worker": {"zh": "姓名", "en": "Name"},
    "role": {"zh": "工种", "en": "Kind of work"},
    "level": {"zh": "测评等级", "en": "Level assessed"},
    "outcome": {"zh": "结果", "en": "Result"},
    "ready": {"zh": "已达到{level}", "en": "Reached {level}"},
    "not_ready": {"zh": "还没达到{level}", "en": "Not yet at {level}"},
    "reached": {"zh": "达到的等级", "en": "Level reached"},
    "areas": {"zh": "各技能方面", "en": "Skill areas"},
    "date": {"zh": "日期", "en": "Date"},
    "centre": {"zh": "培训中心", "en": "Training centre"},
    "bank": {"zh": "题库版本", "en": "Question bank version"},
    "id": {"zh": "证书编号", "en": "Certificate number"},
    "none": {"zh": "无", "en": "none"},
    "band_below": {"zh": "还没达到", "en": "not yet at the level"},
    "band_at": {"zh": "达到", "en": "at the level"},
    "band_above": {"zh": "超过", "en": "above the level"},
    "band_not_measured": {"zh": "还没测够", "en": "not measured enough"},
    "how_to_verify": {
        "zh": "二维码里是培训中心签名的证书内容。核验（不需要联网）：assessor verify 本文件或二维码照片。",
        "en": "The QR code holds the certificate signed by the centre. To check it (no network needed): "
              "assessor verify THIS_FILE or a photo of the QR code.",
    },
    "valid": {"zh": "有效：证书由{centre}签发，内容未被改动", "en": "valid: issued by {centre}, unchanged"},
    "tampered": {"zh": "被改动：签名与内容不符", "en": "tampered: the signature does not match the content"},
    "unknown_issuer": {"zh": "签发机构未登记：没有它的公钥", "en": "unknown issuer: its public key is not registered"},
    "resaved": {"zh": "注意：这个PDF被别的软件重新保存过，文件签名没有了。请对照下面签名的内容核对纸面上的文字。",
                "en": "Note: this PDF was re-saved by another program and lost its file signature. Check its "
                      "printed text against the signed content below."},
    "revoked": {"zh": "已撤销：签发机构撤销了这张证书", "en": "revoked: the issuing centre withdrew this certificate"},
}


def tx(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang` ('zh' or 'en'; anything else gives Chinese), formatted with `values`."""
    entry = TEXT[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def level_text(level: int | None, lang: str) -> str:
    if level is None or level not in LEVEL_NAMES:
        return tx("none", lang)
    return LEVEL_NAMES[level]["zh" if lang == "zh" else "en"]


def _name(table: dict[str, Any] | None, key: str, lang: str) -> str:
    found = (table or {}).get(key)
    return str(found.name.get(lang)) if found is not None else key


def claim_lines(claim: Claim, lang: str, bank: Any = None) -> list[str]:
    """The claim as 'label: value' lines; role and area names from `bank` when given, else their ids."""
    level = level_text(claim.level, lang)
    lines = [
        f"{tx('worker', lang)}: {claim.name}",
        f"{tx('role', lang)}: {_name(bank.roles if bank else None, claim.role, lang)}",
        f"{tx('level', lang)}: {level}",
        f"{tx('outcome', lang)}: {tx('ready' if claim.ready else 'not_ready', lang, level=level)}",
        f"{tx('reached', lang)}: {level_text(claim.level_reached, lang)}",
        f"{tx('areas', lang)}:",
    ]
    lines += [f"  - {_name(bank.domains if bank else None, d, lang)}: {tx('band_' + b, lang)}" for d, b in claim.areas]
    lines += [f"{tx('date', lang)}: {claim.date}", f"{tx('centre', lang)}: {claim.centre}",
              f"{tx('bank', lang)}: {claim.bank_version}", f"{tx('id', lang)}: {claim.id}"]
    return lines
