"""Citizens and employers for the simulation, drawn from the run's random generator:
names, resident identity numbers with a valid GB 11643 check digit (邯郸 region codes),
mobile numbers, and employers with a valid GB 32100 unified social credit code."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from common.identity import id_check_char, uscc_check_char

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
    "蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵"
    "孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍红建华志文斌宇浩凯鹏晨欣怡佳琳"
    "雪梅海燕飞波宁瑞丹莉婷颖晓东亮峰辉"
)
# 邯郸市 and its counties (GB/T 2260): 丛台、复兴、峰峰、邯山、武安、涉县、磁县、永年.
REGIONS = ("130402", "130403", "130404", "130406", "130481", "130426", "130427", "130408")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
    "151", "152", "155", "157", "158", "159", "166", "176", "177", "180",
    "181", "182", "183", "185", "186", "187", "188", "189", "198", "199",
)  # fmt: skip
USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
COMPANY_WORDS = (
    "华信",
    "恒通",
    "宏达",
    "安泰",
    "鑫源",
    "丛台",
    "赵都",
    "新兴",
    "邯钢",
    "永盛",
    "瑞丰",
    "晨光",
)
COMPANY_KINDS = ("科技有限公司", "建设工程有限公司", "商贸有限公司", "物业服务有限公司", "机械制造有限公司")


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    mobile: str


@dataclass(frozen=True)
class Employer:
    name: str
    credit_code: str
    agent: Person


def person(rng: random.Random, *, on: date) -> Person:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    birth_year = on.year - rng.randint(20, 62)
    birth = date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    return Person(name=name, id_number=first17 + id_check_char(first17), mobile=mobile)


def employer(rng: random.Random, *, on: date) -> Employer:
    name = "邯郸市" + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)
    first17 = "91130400MA" + "".join(rng.choice(USCC_BODY) for _ in range(7))
    return Employer(name=name, credit_code=first17 + uscc_check_char(first17), agent=person(rng, on=on))
