"""Made-up people for the bulk data set: names, resident identity numbers with a valid
GB 11643 check character, unified social credit codes with a valid GB 32100 check
character, mobile numbers, tokens. All drawn from the caller's seeded Random, so a
seed gives the same people; none is a real person's number (the region codes are
Handan's, the sequence numbers are arbitrary)."""

from __future__ import annotations

import base64
import random
from datetime import date, timedelta

from common.identity import id_check_char, uscc_check_char

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰立新春海燕"
    "晓东文博子涵思远浩然雨欣佳怡梓萱宇轩"
)
# 邯郸市 districts and counties (GB/T 2260): 丛台 复兴 邯山 峰峰 武安 涉县 磁县 永年 肥乡
# 临漳 成安 大名 魏县 曲周 馆陶 广平 鸡泽 邱县
REGIONS = [
    "130403",
    "130404",
    "130402",
    "130406",
    "130481",
    "130426",
    "130427",
    "130408",
    "130407",
    "130423",
    "130424",
    "130425",
    "130434",
    "130435",
    "130433",
    "130432",
    "130431",
    "130430",
]
COMPANY_WORDS = [
    "恒信",
    "华通",
    "宏达",
    "鑫源",
    "永泰",
    "安康",
    "冀南",
    "赵都",
    "丛台",
    "联创",
    "天成",
    "瑞丰",
    "金盛",
    "博远",
    "中和",
    "盛世",
    "汇通",
    "新峰",
    "广源",
    "光明",
]
COMPANY_KINDS = [
    "建设工程有限公司",
    "商贸有限公司",
    "钢铁有限责任公司",
    "物流有限公司",
    "科技有限公司",
    "医院",
    "中学",
    "小学",
    "物业服务有限公司",
    "食品有限公司",
]
_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def company_name(rng: random.Random) -> str:
    return "邯郸市" + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)


def resident_id(rng: random.Random, *, on: date) -> str:
    """A resident of 18–65 on `on`; the 17th digit's parity is the sex (GB 11643)."""
    birth = on - timedelta(days=rng.randrange(18 * 365, 65 * 365))
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


def credit_code(rng: random.Random) -> str:
    # 9 = 工商 registration, 1 = enterprise; 130400 = 邯郸市; then a 9-character organisation code.
    first17 = "91" + rng.choice(REGIONS) + "".join(rng.choice(_USCC_BODY) for _ in range(9))
    return first17 + uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17", "19")) + f"{rng.randrange(10**9):09d}"


def token(rng: random.Random) -> str:
    """Like `secrets.token_urlsafe(16)` (22 characters), but reproducible for a seed."""
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()
