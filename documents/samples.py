"""Sample contexts for every form, so that each can be previewed and tested before
the apps that fill them exist (cases, complaints). The dates follow the 2026 calendar
(16 March 2026 is a Monday; 5 working days later is Monday 23 March), the identity
numbers carry correct GB 11643 check digits, and the phrases are the regulations' own.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from common.identity import id_check_char
from documents.contexts import (
    AcceptanceNoticeContext,
    AppealRoute,
    Applicant,
    CompletionNoticeContext,
    ExtensionFormContext,
    Handler,
    MaterialLine,
    OneTimeNoticeContext,
    Opinion,
    RejectionNoticeContext,
    SupplementNoticeContext,
)

TZ = ZoneInfo("Asia/Shanghai")
CENTRE = "邯郸市住房公积金管理中心"
BRANCH = "中心服务大厅"
SAMPLE_URL = "http://127.0.0.1:8000"


def sample_id(first17: str) -> str:
    return first17 + id_check_char(first17)


APPLICANT = Applicant(name="李明", id_number=sample_id("13040219880715002"), phone="13831001234")
EMPLOYER_AGENT = Applicant(
    name="王芳",
    id_number=sample_id("13040319900321004"),
    phone="13903101122",
    employer_name="邯郸市示例科技有限公司",
)
TELLER = Handler(name="何平", staff_no="1103", phone="0310-3102002", department="提取处")
LOAN_TELLER = Handler(name="罗斌", staff_no="1106", phone="0310-3102003", department="贷款服务大厅")

CHANNELS_QUERY = ["12329服务热线", "中心网站及手机公积金APP“办件查询”", "服务大厅自助查询机"]
CHANNELS_RATING = ["窗口服务评价器", "扫描本单二维码评价", "网上营业厅、APP、微信公众号“服务评价”"]
CHANNELS_COMPLAINT = ["投诉电话12329", "中心业务管理处（0310-3102004）", "服务大厅意见箱、举报箱"]

APPEAL = AppealRoute(
    review_body="邯郸市住房公积金管理中心业务管理处",
    review_phone="0310-3102004",
    reconsideration_body="邯郸市人民政府",
    reconsideration_period="自知道该决定之日起六十日内",
    litigation_court="有管辖权的人民法院",
    litigation_period="自知道该决定之日起六个月内",
)


def _phrase(situation: str, *values: str) -> str:
    from documents.phrase_data import Situation, fill, first

    return fill(first(Situation(situation)).text, *values)


def _nth_phrase(situation: str, n: int) -> str:
    from documents.phrase_data import PHRASES

    return [row.text for row in PHRASES if row.situation == situation][n]


def one_time_notice(channel: str = "counter") -> OneTimeNoticeContext:
    missing = [
        MaterialLine(
            name="购房合同",
            requirement="必须提交",
            form="原件及复印件",
            copies=1,
            source="申请人自备（购房时与售房方签订）",
            standard="新建商品房提交经网签备案的《商品房买卖合同》；二手房提交《存量房买卖合同》",
        ),
        MaterialLine(
            name="购房发票或契税完税凭证",
            requirement="必须提交",
            form="原件及复印件",
            copies=1,
            source="售房单位开具 / 税务机关出具",
            standard="购房人为申请人或其配偶，金额与合同一致",
            note="您带来的是收据，需提供正式发票",
        ),
    ]
    return OneTimeNoticeContext(
        centre_name=CENTRE,
        branch_name=BRANCH,
        qr_url=f"{SAMPLE_URL}/guide/TQ001/",
        number="HD01-20260316-0007",
        issued_at=datetime(2026, 3, 16, 9, 42, tzinfo=TZ),
        channel=channel,  # type: ignore[arg-type]
        matter_name="住房公积金提取 — 购买自住住房",
        matter_code="TQ001",
        version_number=1,
        version_effective_from=date(2021, 7, 21),
        applicant=APPLICANT,
        opening_phrase=_phrase("incomplete_materials", "《购房合同》、《购房发票或契税完税凭证》"),
        closing_phrase=_nth_phrase("incomplete_materials", 2),
        missing=missing,
        provided=["申请人有效身份证件", "申请人本人银行借记卡", "《住房公积金提取申请表》"],
        not_applicable=["结婚证（申请人未婚）"],
        procedure=[
            "申请人持材料到服务窗口申请（可网上预约或现场取号）",
            "柜员审核材料，材料齐全、符合条件的当场受理",
            "当场作出准予提取或不准提取的决定，并告知申请人",
            "准予提取的，提取资金转入申请人本人银行账户",
        ],
        time_limit="即办（材料齐全、符合条件的当场办结）",
        statutory_limit="自受理申请之日起3日内作出准予提取或者不准提取的决定（《住房公积金管理条例》第二十五条）",
        place="中心服务大厅及各县（市、区）管理部提取业务窗口",
        hours="法定工作日 上午 8:30–12:00，下午 14:00–17:30",
        consultation_phone="12329",
        other_notes=["委托他人代办的，另需代办人身份证件及经公证的授权委托书"],
        handler=TELLER,
    )


def acceptance_notice() -> AcceptanceNoticeContext:
    return AcceptanceNoticeContext(
        centre_name=CENTRE,
        branch_name="贷款服务大厅",
        qr_url=f"{SAMPLE_URL}/documents/verify/SL2026031600012/",
        receipt_no="SL2026031600012",
        query_password="583916",
        applicant=APPLICANT,
        matter_name="建造、翻建、大修自住住房公积金贷款",
        matter_code="DK015",
        accepting_body="邯郸市住房公积金管理中心贷款服务大厅",
        handler=LOAN_TELLER,
        promised_days=5,
        deadline=date(2026, 3, 23),
        accepted_at=datetime(2026, 3, 16, 10, 5, tzinfo=TZ),
        pickup_on=date(2026, 3, 23),
        pickup_note="办结后凭本通知单到原窗口领取办理结果",
        query_channels=CHANNELS_QUERY,
        rating_channels=CHANNELS_RATING,
        complaint_channels=CHANNELS_COMPLAINT,
        materials_received=[
            "借款申请人及配偶有效身份证件（复印件各1份）",
            "婚姻状况证明（复印件1份）",
            "建房用地批准文件（复印件1份）",
            "施工合同及预算（原件1份）",
        ],
    )


def supplement_notice() -> SupplementNoticeContext:
    return SupplementNoticeContext(
        centre_name=CENTRE,
        branch_name=BRANCH,
        qr_url=f"{SAMPLE_URL}/documents/verify/BB2026031600003/",
        number="BB2026031600003",
        issued_at=datetime(2026, 3, 16, 14, 20, tzinfo=TZ),
        applicant=EMPLOYER_AGENT,
        matter_name="住房公积金补缴",
        matter_code="GJ006",
        handler=Handler(name="胡晓明", staff_no="1101", phone="0310-3102001", department="归集处"),
        opening_phrase=_phrase("incomplete_materials", "《住房公积金补缴清册》"),
        items=[
            MaterialLine(
                name="住房公积金补缴清册",
                requirement="必须提交",
                form="原件",
                copies=1,
                standard="列明补缴职工、补缴期间、基数和金额，加盖单位公章",
                note="清册未加盖单位公章，请盖章后补正",
            ),
            MaterialLine(
                name="补缴原因说明",
                requirement="视情形提交：补缴期间超过12个月的",
                form="原件",
                copies=1,
                standard="写明未按时缴存的原因，加盖单位公章",
            ),
        ],
        promised_days=0,
        place="中心服务大厅归集业务窗口（1、2号窗口）",
        consultation_phone="12329",
    )


def rejection_notice() -> RejectionNoticeContext:
    return RejectionNoticeContext(
        centre_name=CENTRE,
        branch_name=BRANCH,
        qr_url=f"{SAMPLE_URL}/documents/verify/TH2026031600002/",
        number="TH2026031600002",
        issued_at=datetime(2026, 3, 16, 15, 10, tzinfo=TZ),
        applicant=APPLICANT,
        matter_name="住房公积金提取 — 租赁住房",
        matter_code="TQ012",
        handler=TELLER,
        reason="经查询，申请人及配偶在本市名下有自有住房，不符合本市无自有住房职工租赁住房提取的条件。",
        legal_basis="《住房公积金管理条例》第二十四条；本中心租赁住房提取住房公积金的规定",
        returned_materials=["《住房公积金提取申请表》", "房屋租赁合同（复印件）"],
        appeal=APPEAL,
    )


def completion_notice(outcome: str = "approved") -> CompletionNoticeContext:
    approved = outcome == "approved"
    return CompletionNoticeContext(
        centre_name=CENTRE,
        branch_name="贷款服务大厅",
        qr_url=f"{SAMPLE_URL}/documents/verify/SL2026031600012/",
        receipt_no="SL2026031600012",
        applicant=APPLICANT,
        matter_name="建造、翻建、大修自住住房公积金贷款",
        matter_code="DK015",
        handler=LOAN_TELLER,
        accepted_at=datetime(2026, 3, 16, 10, 5, tzinfo=TZ),
        deadline=date(2026, 3, 23),
        completed_at=datetime(2026, 3, 20, 16, 30, tzinfo=TZ),
        outcome=outcome,  # type: ignore[arg-type]
        result=(
            "准予贷款。贷款金额人民币300,000.00元，期限15年，请按约定到受托银行签订借款合同。"
            if approved
            else "不予批准。退回申请材料4份。"
        ),
        transaction_no="DK20260320000187" if approved else "",
        refusal_reason="" if approved else "借款申请人近6个月连续足额缴存住房公积金的记录不满足规定。",
        appeal=None if approved else APPEAL,
        delivery="窗口领取",
        rating_channels=CHANNELS_RATING,
    )


def extension_form(applied_late: bool = False) -> ExtensionFormContext:
    return ExtensionFormContext(
        centre_name=CENTRE,
        receipt_no="SL2026031600012",
        department="贷款服务大厅",
        applicant=APPLICANT,
        matter_name="建造、翻建、大修自住住房公积金贷款",
        matter_code="DK015",
        accepted_at=datetime(2026, 3, 16, 10, 5, tzinfo=TZ),
        promised_days=5,
        original_deadline=date(2026, 3, 23),
        reason="建房用地批准文件需向自然资源和规划部门核实，对方书面答复尚未送达，不能按期办结。",
        extension_days=3,
        requested_deadline=date(2026, 3, 26),
        explained_to_applicant=True,
        explained_note="2026年3月20日电话告知申请人，申请人表示理解",
        handler=LOAN_TELLER,
        applied_at=datetime(2026, 3, 24 if applied_late else 20, 11, 0, tzinfo=TZ),
        head_opinion=Opinion(
            name="黄丽",
            text="情况属实，同意延期3个工作日，至2026年3月26日办结。",
            signed_at=datetime(2026, 3, 20, 15, 0, tzinfo=TZ),
        ),
        leader_opinion=None,
    )
