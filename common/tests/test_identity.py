"""GB 11643-1999 identity numbers, GB 32100-2015 credit codes, phones and masks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from common.identity import (
    id_check_char,
    mask_id,
    mask_name,
    mask_phone,
    uscc_check_char,
    validate_landline,
    validate_landline_or_mobile,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

# The example of GB 11643-1999 appendix and well-known published samples.
VALID_IDS = ["11010519491231002X", "440524198001010013", "130402199001011233"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_it_accepts_identity_numbers_with_a_correct_check_digit(number):
    assert validate_resident_id(number) == number


def test_it_upper_cases_a_lower_case_x():
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code", "words"),
    [
        ("110105194912310021", "id_check", "校验位"),
        ("1101051949123100", "id_length", "18位"),
        ("11010519491231002A", "id_chars", "数字"),
        ("110105194902300027", "id_birth", "出生日期"),
        ("110105290001010019", "id_birth", "出生日期"),
        ("010105194912310021", "id_region", "地区码"),
    ],
)
def test_it_refuses_a_bad_identity_number_with_a_reason(number, code, words):
    with pytest.raises(ValidationError) as error:
        validate_resident_id(number)
    assert error.value.code == code
    assert words in error.value.messages[0]


@given(
    region=st.integers(110000, 659999).map(str),
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    seq=st.integers(0, 999),
)
def test_every_number_built_with_its_check_digit_is_accepted_and_any_other_digit_refused(region, birth, seq):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    good = first17 + id_check_char(first17)
    assert validate_resident_id(good, today=dt.date(2026, 1, 1)) == good
    for wrong in "0123456789X":
        if wrong != good[-1]:
            with pytest.raises(ValidationError):
                validate_resident_id(first17 + wrong, today=dt.date(2026, 1, 1))


# The example code widely cited for GB 32100, and codes built with their check character.
VALID_USCC = ["91350100M000100Y43", "91110000600037341L", "11100000000013127D"]


@pytest.mark.parametrize("code", VALID_USCC)
def test_it_accepts_unified_social_credit_codes(code):
    assert validate_uscc(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "err"),
    [
        ("91350100M000100Y44", "uscc_check"),
        ("91350100M00010", "uscc_length"),
        ("91350100M000100I43", "uscc_chars"),
    ],
)
def test_it_refuses_a_bad_credit_code(code, err):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == err


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=16, max_size=16))
def test_a_credit_code_built_with_its_check_character_is_accepted(body):
    first17 = (
        "9"
        + "1"
        + body[:6].translate(str.maketrans("ABCDEFGHJKLMNPQRTUWXY", "012345678901234567890"))
        + body[6:]
        + "0"
    )
    first17 = first17[:17]
    assert validate_uscc(first17 + uscc_check_char(first17))


@pytest.mark.parametrize("raw", ["13812345678", "138 1234 5678", "+86 138-1234-5678", "008613812345678"])
def test_it_accepts_mobile_numbers_in_common_spellings(raw):
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "abc"])
def test_it_refuses_what_is_not_a_mobile_number(raw):
    with pytest.raises(ValidationError, match="11位"):
        validate_mobile(raw)


@pytest.mark.parametrize("raw", ["0310-3101001", "03103101001", "010-87654321-123", "(0310)3101001"])
def test_it_accepts_landlines_with_area_code(raw):
    assert validate_landline(raw)


@pytest.mark.parametrize("raw", ["3101001", "0310-0101001", "0310-31010"])
def test_it_refuses_landlines_without_a_proper_area_code(raw):
    with pytest.raises(ValidationError, match="区号"):
        validate_landline(raw)


@pytest.mark.parametrize("raw", ["12329", "13812345678", "0310-3101001", "400-123-4567"])
def test_a_service_phone_may_be_mobile_landline_or_a_short_service_number(raw):
    assert validate_landline_or_mobile(raw)


def test_masks_show_what_a_list_may_show():
    assert mask_id("130402199001011234") == "1304**********1234"
    assert mask_phone("13856785678") == "138****5678"
    assert mask_phone("0310-3101001") == "0310-***1001"
    assert mask_name("张三") == "张*"
    assert mask_name("王小明") == "王*明"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_id("") == "" and mask_phone("") == ""


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_a_masked_mobile_never_shows_the_middle_four_digits(number):
    masked = mask_phone(number)
    assert masked[3:7] == "****" and masked[:3] == number[:3] and masked[-4:] == number[-4:]
