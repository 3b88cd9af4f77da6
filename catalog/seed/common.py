# ruff: noqa: E501 — guide texts are data; a sentence is not broken to fit a line.
"""Building blocks of the seeded guide: materials, procedures and the texts that many
matters share. The numbers of the time limits come from 000 §五(二)3 (each matter names
its clause in `limit_basis`); statutory limits from 《住房公积金管理条例》."""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Matter seed ---------------------------------------------------------------------


@dataclass(frozen=True)
class Mat:
    name: str
    requirement: str = "required"  # required / conditional
    condition: str = ""
    form: str = "original_for_check"  # original / copy / original_and_copy / original_for_check
    copies: int = 1
    source: str = "申请人自备"
    standard: str = ""
    provided_form: str = ""


@dataclass(frozen=True)
class MatterSeed:
    code: str
    category: str  # collection / withdrawal / loan / other
    service_object: str  # personal / employer
    name: str
    keywords: str
    summary: str
    handling_type: str  # immediate / promised / joint / escalated
    legal_basis: str
    conditions: str
    materials: tuple[Mat, ...]
    procedure: tuple[str, ...]
    result: str
    promised_days: int
    limit_basis: str
    place: str
    statutory_days: int | None = None
    statutory_basis: str = ""
    fee_note: str = ""
    online_available: bool = False
    online_note: str = ""
    appointment_allowed: bool = True
    joint_parties: str = ""
    notes: str = ""
    group: str = ""
    stage_order: int = 0
    hours: str = ""
    consultation_phone: str = "12329"
    complaint_phone: str = "12329"
    is_free: bool = True
    extra: dict[str, str] = field(default_factory=dict)


# --- Shared texts --------------------------------------------------------------------

LAW = "《住房公积金管理条例》（1999年4月3日国务院令第262号发布，2002年、2019年修订）"
HOURS = "法定工作日 上午 8:30–12:00，下午 14:00–17:30（县（市、区）管理部下午 14:30–17:30）；轧账后不再受理当日新业务"
FEE = "不收费。办理住房公积金业务所需表格均免费发放。"
FEE_LOAN = "住房公积金管理中心不收取任何费用，表格免费发放；抵押登记费由不动产登记机构按规定收取，担保、评估等第三方费用以其公示标准为准。"

PLACE_COLLECTION = "中心服务大厅归集业务窗口（1、2号）及综合业务窗口（8号），各县（市、区）管理部综合业务窗口"
PLACE_WITHDRAWAL = "中心服务大厅提取业务窗口（3–5号）及综合业务窗口（8号），各县（市、区）管理部综合业务窗口"
PLACE_LOAN = "贷款服务大厅贷款业务窗口（6、7号），各县（市、区）管理部贷款业务窗口"
PLACE_ANY = "中心服务大厅及各县（市、区）管理部任一服务窗口"

# Where each time limit comes from (000 §五(二)3 and the centre's own commitment).
L_COLLECTION = "000 §五(二)3(1)：时限为即办的缴存业务"
L_TRANSFER = "000 §五(二)3(1)：同城转移、异地转移不即办；承诺时限由本中心确定"
L_WITHDRAWAL = "000 §五(二)3(2)：提取业务时限均为即办"
L_LOAN_STEP = (
    "000 §五(二)3(3)①：购买普通商品房、二手房个人住房公积金贷款的受理、面签、初审、复审业务，时限为1个工作日"
)
L_LOAN_IMMEDIATE = "000 §五(二)3(3)②：时限为即办的贷款业务"
L_CENTRE = "本中心服务承诺（000 §五(二)3 未列明的事项，由本中心按限时办结制度承诺）"

S_WITHDRAWAL = (
    3,
    "《住房公积金管理条例》第二十五条：住房公积金管理中心应当自受理申请之日起3日内作出准予提取或者不准提取的决定，并通知申请人",
)
S_LOAN = (
    15,
    "《住房公积金管理条例》第二十六条：住房公积金管理中心应当自受理申请之日起15日内作出准予贷款或者不准贷款的决定，并通知申请人",
)

ONLINE = "可通过中心网上营业厅、手机公积金APP或微信公众号办理，无需到窗口"
ONLINE_EMPLOYER = "已开通单位网上业务的，可通过单位网上营业厅（数字证书登录）办理"
ONLINE_BOOKING = "可通过网上营业厅、手机公积金APP、微信公众号预约到窗口办理的时间"

# --- Procedures ----------------------------------------------------------------------

TAKE = "持材料到服务窗口（可通过网上营业厅、手机公积金APP、微信公众号预约，或在大厅取号机取号）"
RATE = "办结后请通过窗口评价器或扫码对本次服务进行评价"

PROC_IMMEDIATE = (
    TAKE,
    "窗口工作人员审核材料：材料齐全、符合条件的当场受理；材料不全的，出具《一次性告知清单》一次性告知需补交的全部材料",
    "当场办结，打印业务凭证交申请人核对签字",
    RATE,
)

PROC_WITHDRAWAL = (
    TAKE,
    "窗口工作人员审核材料并查验房产、婚姻等信息；材料不全的，出具《一次性告知清单》",
    "当场作出准予提取或者不准提取的决定，并告知申请人；不准提取的，书面说明理由",
    "准予提取的，提取资金转入申请人本人银行账户（到账时间以银行处理为准）",
    RATE,
)


def proc_promised(*steps: str) -> tuple[str, ...]:
    return (
        TAKE,
        "窗口工作人员审核材料，材料齐全、符合条件的予以受理，出具《受理通知单》（含受理编号和查询密码）",
        *steps,
        "在承诺时限内办结，出具《办结通知单》；不予批准的，书面说明理由并告知复核、行政复议或行政诉讼途径",
        RATE,
    )


# --- Materials -----------------------------------------------------------------------

FORM_SOURCE = "中心提供（窗口免费领取，或在中心网站下载）"


def id_card(who: str = "申请人") -> Mat:
    return Mat(
        f"{who}有效身份证件",
        source="本人自备（公安机关核发的居民身份证；港澳台居民、外籍人员为有效居住证件或护照）",
        standard="在有效期内；姓名、证件号码与住房公积金账户登记信息一致",
    )


def spouse_id(condition: str = "申请人已婚的") -> Mat:
    return Mat(
        "配偶有效身份证件",
        "conditional",
        condition,
        source="本人自备（公安机关核发）",
        standard="在有效期内",
    )


def marriage(condition: str = "申请人已婚的") -> Mat:
    return Mat(
        "结婚证或婚姻状况证明",
        "conditional",
        condition,
        form="original_and_copy",
        source="民政部门（婚姻登记机关）",
        standard="离异的提供离婚证或法院判决书（调解书）；丧偶的提供配偶死亡证明",
    )


def bank_card() -> Mat:
    return Mat(
        "申请人本人银行借记卡",
        source="本人自备（在受委托银行开立）",
        standard="户名为申请人本人的一类账户，状态正常",
    )


def withdrawal_form() -> Mat:
    return Mat(
        "《住房公积金提取申请表》",
        form="original",
        source=FORM_SOURCE,
        standard="如实填写提取原因、金额和收款账户，申请人签字确认",
        provided_form="住房公积金提取申请表",
    )


def proxy() -> Mat:
    return Mat(
        "代办人有效身份证件及经公证的授权委托书",
        "conditional",
        "委托他人代为办理的",
        form="original_and_copy",
        source="本人自备（授权委托书由公证机构公证）",
        standard="委托书写明委托事项和委托期限",
    )


def agent_id() -> Mat:
    return Mat(
        "单位经办人有效身份证件",
        source="经办人自备（公安机关核发）",
        standard="经办人须为单位在中心登记的专管员，或持有单位授权委托书",
    )


def unit_letter() -> Mat:
    return Mat(
        "单位介绍信或授权委托书",
        form="original",
        source="缴存单位出具",
        standard="加盖单位公章，写明经办人姓名和身份证号码、办理事项",
    )


def unit_license() -> Mat:
    return Mat(
        "单位设立登记证明（营业执照、事业单位法人证书、社会团体法人登记证书等）",
        form="copy",
        source="市场监督管理部门或其他登记机关",
        standard="复印件加盖单位公章，在有效期内；统一社会信用代码清晰可辨",
    )


def form(name: str, standard: str = "如实填写，加盖单位公章") -> Mat:
    return Mat(f"《{name}》", form="original", source=FORM_SOURCE, standard=standard, provided_form=name)


def house_title(condition: str = "", name: str = "不动产权证书（或房屋所有权证）") -> Mat:
    return Mat(
        name,
        "conditional" if condition else "required",
        condition,
        form="original_and_copy",
        source="不动产登记机构",
        standard="权利人为申请人或其配偶；权属状态可在不动产登记信息中核验",
    )


def loan_contract(condition: str = "") -> Mat:
    return Mat(
        "个人住房借款合同",
        "conditional" if condition else "required",
        condition,
        form="original_and_copy",
        source="贷款银行或住房公积金管理中心",
        standard="借款人为申请人或其配偶",
    )
