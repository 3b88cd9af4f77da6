"""Validation and masking of identity numbers and phone numbers.

- Resident identity number: GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check
  character, birth date in positions 7-14).
- Unified social credit code of an employer: GB 32100-2015 (18 characters from a
  31-character alphabet, MOD 31 check character).
- Mainland mobile (11 digits from 1[3-9]) and landline numbers (area code 0xx/0xxx +
  7-8 digits, optional extension), or short service numbers such as 12329.

Every validator raises django.core.exceptions.ValidationError with a message a
person can act on, and returns the normalised value. Masks are what lists and
exports show (DESIGN.md "Guarantees"): 1304**********1234, 138****5678.
No Django model imports here, so the rules can be tested in isolation.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from common import clock

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First digit of the administrative division code (GB/T 2260): 1-6 provinces,
# 7 Taiwan, 8 Hong Kong/Macao/Taiwan residence permits, 9 foreigners' permanent residence.
_ID_REGION_FIRST = set("12345678" + "9")

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[1-9ANY][1-59][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$")
_SERVICE_RE = re.compile(r"^(1\d{4}|400-?\d{3}-?\d{4}|800-?\d{3}-?\d{4})$")
_SEPARATORS = re.compile(r"[\s()（）]+")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Check an 18-character resident identity number; return it upper-cased."""
    number = (value or "").strip().upper()
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为18位，您输入了{len(number)}位。", code="id_length")
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise ValidationError("身份证号码前17位应为数字，最后一位为数字或X。", code="id_chars")
    if number[0] not in _ID_REGION_FIRST:
        raise ValidationError("身份证号码的地区码无效。", code="id_region")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期无效。", code="id_birth") from None
    today = today or clock.today()
    if birth > today or birth.year < 1900:
        raise ValidationError("身份证号码中的出生日期不在合理范围内。", code="id_birth")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError("身份证号码校验位不正确，请核对后重新输入。", code="id_check")
    return number


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Check an 18-character unified social credit code; return it upper-cased."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，您输入了{len(code)}位。", code="uscc_length")
    if not _USCC_RE.match(code):
        raise ValidationError(
            "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）或格式不正确。", code="uscc_chars"
        )
    if code[17] != uscc_check_char(code[:17]):
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新输入。", code="uscc_check")
    return code


def _compact(value: str) -> str:
    number = _SEPARATORS.sub("", (value or "").strip())
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix) :].lstrip("-")
    return number


def validate_mobile(value: str) -> str:
    """Check a mainland mobile number; return its 11 digits."""
    number = _compact(value).replace("-", "")
    if not _MOBILE_RE.match(number):
        raise ValidationError("手机号码应为以1开头的11位数字，例如 13812345678。", code="mobile")
    return number


def validate_landline(value: str) -> str:
    """Check a landline number with area code (0310-1234567, extension allowed)."""
    number = _compact(value)
    if not _LANDLINE_RE.match(number):
        raise ValidationError("固定电话应包含区号，例如 0310-1234567（分机号用“-”连接）。", code="landline")
    return number


def validate_landline_or_mobile(value: str) -> str:
    """A phone of a person, a department or a service line (mobile, landline, 12329)."""
    number = _compact(value)
    if _MOBILE_RE.match(number.replace("-", "")):
        return number.replace("-", "")
    if _LANDLINE_RE.match(number) or _SERVICE_RE.match(number):
        return number
    raise ValidationError(
        "电话号码格式不正确：手机为11位数字，固定电话需带区号（如 0310-1234567）。", code="phone"
    )


def mask_id(value: str) -> str:
    """1304**********1234: first four and last four characters of an ID or code."""
    value = (value or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; a landline keeps its area code and last four digits."""
    value = (value or "").strip()
    digits = value.replace("-", "")
    if _MOBILE_RE.match(digits):
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return value
    if "-" in value:
        area, _, rest = value.partition("-")
        return area + "-" + "*" * max(len(rest) - 4, 0) + rest[-4:]
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_name(value: str) -> str:
    """张*, 王*明, 欧阳**: the family name and, for three or more characters, the last one."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    """Free text a citizen or a head wrote, with identity and mobile numbers masked
    (1304**********0027, 138****1234) — for pages and PDFs alike."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
