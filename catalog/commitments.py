"""The service commitments made public (002 篇1 §一(三) 坚持服务承诺制：各窗口必须将服务
项目、服务标准、办事流程、投诉电话，在公司网站和办事指南上对外公开，接受群众监督; 002 篇1
§五(一) 公开职责范围、工作程序、办理条件、办理时限、监督方式; 000 §五(三)4 公布各项业务
所需材料、办理程序和办理时限). The complaint reply limits are read from the complaint
rule set in force, never written here."""

from __future__ import annotations

from dataclasses import dataclass

from common import clock
from rules.models import RuleKind
from rules.selectors import NoRulesInForce, rules_in_force


@dataclass(frozen=True)
class Commitment:
    title: str
    text: str
    clause: str


def commitments() -> list[Commitment]:
    items = [
        Commitment(
            "首问负责",
            "首次接待您的工作人员是首问负责人，热情接待、认真办理、负责到底；不属于其职责的，带您到相关部门或联系相关工作人员办理，直至问题解决。",
            "000 §五(一)1、2",
        ),
        Commitment(
            "一次性告知",
            "办理业务所需的全部申请材料、表格、办理流程和承诺时限一次性告知您；材料不全的，书面填写《一次性告知清单》一式两份，一份交您保存。电话咨询的，一次性口头告知并做好记录。",
            "000 §五(三)1–3",
        ),
        Commitment(
            "限时办结",
            "手续完备、资料齐全的，在承诺时限内办结或者予以答复。时限以工作日计算，开始之日不计算在内，从收到申请的次日起计算；不能按期办结的，向您解释说明并经批准后方可延期。",
            "000 §五(二)1–4",
        ),
        Commitment(
            "文明服务",
            "使用“您好、请、谢谢、对不起、再见”十字文明用语，不使用“不知道”“我不管”“少啰嗦”等生、冷、硬的语言；做到热心、诚心、耐心、虚心。",
            "000 §一(一)、§二(二)",
        ),
        Commitment(
            "优先照顾", "对老、幼、病、残、军人实行优先照顾，设置绿色通道窗口。", "000 §二(三)3、§四(二)1"
        ),
        Commitment(
            "免费办理",
            "办理住房公积金缴存、提取、个人住房贷款业务，所有表格均免费发放，实现零成本办理。",
            "003 服务承诺制度 §十",
        ),
        Commitment(
            "廉洁办事",
            "不以权谋私，不收受馈赠，不为熟人、亲友开后门；严禁吃、拿、卡、要。",
            "000 §一(三)；003 服务承诺制度 §九",
        ),
        Commitment(
            "服务评价",
            "每次办理业务后，您可以通过窗口评价器、扫描二维码或网上营业厅、手机APP、微信公众号对服务进行“非常满意、满意、基本满意、不满意、非常不满意”评价。",
            "000 §五(五)4(1)",
        ),
    ]
    complaint = _complaint_commitment()
    if complaint:
        items.append(complaint)
    return items


def _complaint_commitment() -> Commitment | None:
    try:
        rules = rules_in_force(RuleKind.COMPLAINT, clock.today())
    except NoRulesInForce:
        return None
    general = rules.params.complaint_class("general")
    major = rules.params.complaint_class("major")
    warn = f"{general.warn_working_days}-" if general.warn_working_days else ""
    return Commitment(
        "投诉处理",
        f"投诉电话12329。一般投诉能当场解决的及时解决，不能当场解决的在{warn}{general.reply_working_days}个工作日内答复；"
        f"重大投诉在{major.reply_working_days}个工作日内答复。在规定时限内不能处理完毕的，及时告知您并说明情况。",
        "000 §五(四)4、7",
    )


GENERAL_PROCEDURE = [
    (
        "预约或取号",
        "通过网上营业厅、手机APP、微信公众号预约，或在大厅取号机取号；不会使用的，引导员帮您取号。",
    ),
    (
        "窗口受理",
        "柜员审核材料：即办件当场办理；材料不全的，一次性告知需补交的全部材料；承诺件出具《受理通知单》（含受理编号和查询密码）。",
    ),
    ("限时办理", "承诺件在承诺时限内办结；联办件由牵头部门组织并联办理；上报件由受理窗口负责联系上级部门。"),
    (
        "办结反馈",
        "办结后出具《办结通知单》或业务凭证；不予批准的，书面说明理由并告知复核、行政复议或行政诉讼途径。",
    ),
    ("评价监督", "对本次服务进行评价；有意见可拨打12329投诉，或投入大厅意见箱。"),
]
