"""受理通知单 — 002 篇5 窗口办件工作规程 §二 受理.

1、窗口单位接到行政审批申请后，制作行政审批事项受理通知单，一联当场交付申请人，一联存窗口单位。
2、审批受理通知单包括以下内容：①申请人姓名、联系电话；②审批事项名称；③受理机关名称；
④承办人姓名、联系电话；⑤承诺办理时限；⑥受理时间及取件时间；⑦受理编码及查询密码；
⑧办件查询、评议、投诉渠道。
"""

from __future__ import annotations

from documents import samples
from documents.blocks import (
    Audience,
    Block,
    Document,
    Fields,
    Heading,
    Para,
    SignatureLine,
    Signatures,
    Steps,
)
from documents.contexts import AcceptanceNoticeContext
from documents.formatting import days_text, fmt_date, fmt_date_weekday, fmt_datetime, phone_for
from documents.forms.base import FormDefinition, issuer_line, qr_box, register, two_parts

CODE = "acceptance_notice"
TITLE = "受理通知单"


def build(ctx: AcceptanceNoticeContext) -> Document:
    return Document(
        form_code=CODE,
        title=TITLE,
        issuer=issuer_line(ctx.centre_name, ctx.branch_name),
        number_label="受理编号",
        number=ctx.receipt_no,
        date_text=fmt_datetime(ctx.accepted_at),
        parts=two_parts(
            lambda audience: _blocks(ctx, audience),
            citizen_note="此联当场交付申请人，请妥善保管",
            archive_note="此联存窗口单位",
            qr=qr_box(ctx.qr_url, "扫码查询进度、评价服务"),
        ),
        basis="依据窗口办件工作规程：受理通知单一联当场交付申请人，一联存窗口单位。",
    )


def _blocks(ctx: AcceptanceNoticeContext, audience: Audience) -> tuple[Block, ...]:
    a = ctx.applicant
    password = ctx.query_password if audience == Audience.CITIZEN else "已当场交付申请人（存根联不显示）"
    limit = days_text(ctx.promised_days)
    pickup = fmt_date(ctx.pickup_on) + (f"，{ctx.pickup_note}" if ctx.pickup_note else "")
    rows: list[tuple[str, str]] = [
        ("①申请人姓名", a.name),
        ("①联系电话", phone_for(a.phone, audience)),
        ("②事项名称", ctx.matter_name + (f"（{ctx.matter_code}）" if ctx.matter_code else "")),
        ("③受理机关", ctx.accepting_body),
        ("④承办人", ctx.handler.name + (f"（工号 {ctx.handler.staff_no}）" if ctx.handler.staff_no else "")),
        ("④承办人电话", ctx.handler.phone),
        ("⑤承诺办理时限", limit),
        ("⑤承诺办结日期", fmt_date_weekday(ctx.deadline)),
        ("⑥受理时间", fmt_datetime(ctx.accepted_at)),
        ("⑥取件时间", pickup),
        ("⑦受理编码", ctx.receipt_no),
        ("⑦查询密码", password),
    ]
    if a.employer_name:
        rows.insert(2, ("所在单位", a.employer_name))
    blocks: list[Block] = [Fields(tuple(rows))]
    blocks.append(Heading("⑧办件查询、评议、投诉渠道"))
    blocks.append(
        Steps(
            (
                "查询：" + "；".join(ctx.query_channels) + "（凭受理编码和查询密码）",
                "评议：" + "；".join(ctx.rating_channels),
                "投诉：" + "；".join(ctx.complaint_channels),
            )
        )
    )
    if ctx.materials_received:
        blocks.append(Heading("已收取的申请材料"))
        blocks.append(Steps(tuple(ctx.materials_received)))
    if ctx.promised_days:
        blocks.append(
            Para(
                f"本事项承诺{limit}内办结。时限以日计算，开始之日不计算在办理时限内，"
                "从收到申请的次日起计算；如需延期，将向您解释说明。",
                "note",
            )
        )
    else:
        blocks.append(Para("本事项为即办件，受理后当场办结。", "note"))
    blocks.append(
        Signatures(
            (
                SignatureLine("申请人签收"),
                SignatureLine("承办人", text=ctx.handler.name, date_text=fmt_date(ctx.accepted_at)),
            )
        )
    )
    return tuple(blocks)


def sample() -> AcceptanceNoticeContext:
    return samples.acceptance_notice()


DEFINITION = register(
    FormDefinition(
        code=CODE,
        title=TITLE,
        clause="002 篇5 §二1、2",
        description="受理通知单的八项内容，一联交申请人（含查询密码），一联存窗口单位。",
        context_model=AcceptanceNoticeContext,
        build=build,
        sample=sample,
    )
)
