import pytest
from ninja import Schema
from pydantic import ValidationError

from common.schema_types import CreditCode, Mobile, ResidentId
from config.api import _describe


class Applicant(Schema):
    id_number: ResidentId
    phone: Mobile
    employer: CreditCode | None = None


def test_valid_values_are_normalised():
    a = Applicant(id_number="11010519491231002x", phone="+86 138 1234 5678", employer="91350100m000100y43")
    assert (a.id_number, a.phone, a.employer) == ("11010519491231002X", "13812345678", "91350100M000100Y43")


def test_a_wrong_value_is_reported_with_the_validators_chinese_sentence():
    with pytest.raises(ValidationError) as error:
        Applicant(id_number="110105194912310021", phone="12345")
    message = _describe(error.value.errors())
    assert "id_number：身份证号码校验位不正确" in message
    assert "phone：手机号码应为以1开头的11位数字" in message
