"""办理事项延期申请表 — 000 §五(二)4, §五(二)5(2).

4、对于因特殊原因暂时不能办理或不能按期办结需要延期的事项，要向办事职工解释说明，并填写
《邯郸市住房公积金管理中心办理事项延期申请表》，由受理事项的部门负责人签署意见，规定延期时限，
经分管领导同意后方可延期。
5(2) 超过承诺办结时限才提出延期申请（视为超时办结）。
"""

from __future__ import annotations

from documents import samples
from documents.blocks import (
    Audience,
    Blank,
    Block,
    Document,
    Fields,
    Heading,
    Para,
    Part,
    SignatureLine,
    Signatures,
)
from documents.contexts import ExtensionFormContext, Opinion
from documents.formatting import checkbox, days_text, fmt_date, fmt_date_weekday, fmt_datetime
from documents.forms.base import FormDefinition, issuer_line, register

CODE = "extension_form"
TITLE = "办理事项延期申请表"


def build(ctx: ExtensionFormContext) -> Document:
    return Document(
        form_code=CODE,
        title=f"{ctx.centre_name}{TITLE}",
        issuer=issuer_line(ctx.centre_name, ctx.department),
        number_label="受理编号",
        number=ctx.receipt_no,
        date_text=fmt_datetime(ctx.applied_at),
        parts=(Part("", Audience.INTERNAL, _blocks(ctx), "本表随办件存档"),),
        basis="依据限时办结制度：由受理事项的部门负责人签署意见，规定延期时限，经分管领导同意后方可延期。",
    )


def _opinion(title: str, opinion: Opinion | None, signer: str) -> list[Block]:
    if opinion is None:
        return [Heading(title), Blank(4), Signatures((SignatureLine(signer),))]
    return [
        Heading(title),
        Para(opinion.text),
        Signatures((SignatureLine(signer, text=opinion.name, date_text=fmt_date(opinion.signed_at)),)),
    ]


def _blocks(ctx: ExtensionFormContext) -> tuple[Block, ...]:
    a = ctx.applicant
    explained = checkbox(ctx.explained_to_applicant) + (
        f"（{ctx.explained_note}）" if ctx.explained_note else ""
    )
    blocks: list[Block] = [
        Fields(
            (
                ("受理编号", ctx.receipt_no),
                ("受理部门", ctx.department),
                ("办理事项", ctx.matter_name + (f"（{ctx.matter_code}）" if ctx.matter_code else "")),
                ("办事职工", a.name + (f"（{a.employer_name}）" if a.employer_name else "")),
                ("联系电话", a.phone or "—"),
                ("受理时间", fmt_datetime(ctx.accepted_at)),
                ("承诺时限", days_text(ctx.promised_days)),
                ("原承诺办结日期", fmt_date_weekday(ctx.original_deadline)),
                ("申请延期", f"{ctx.extension_days}个工作日"),
                ("延期后办结日期", fmt_date_weekday(ctx.requested_deadline)),
                (
                    "承办人",
                    ctx.handler.name + (f"（工号 {ctx.handler.staff_no}）" if ctx.handler.staff_no else ""),
                ),
                ("申请时间", fmt_datetime(ctx.applied_at)),
                ("已向办事职工解释说明", explained),
            )
        ),
        Heading("延期原因"),
        Para(ctx.reason),
    ]
    if ctx.applied_late:
        blocks.append(
            Para(
                "本申请在原承诺办结时限届满后才提出。依照限时办结制度，超过承诺办结时限才提出延期申请的，"
                "视为超时办结。",
                "strong",
            )
        )
    blocks.append(
        Signatures((SignatureLine("承办人签名", text=ctx.handler.name, date_text=fmt_date(ctx.applied_at)),))
    )
    blocks += _opinion("受理事项的部门负责人意见（规定延期时限）", ctx.head_opinion, "部门负责人签名")
    blocks += _opinion("分管领导意见", ctx.leader_opinion, "分管领导签名")
    blocks.append(Para("经分管领导同意后方可延期；未经同意的，仍按原承诺时限办结。", "note"))
    return tuple(blocks)


def sample() -> ExtensionFormContext:
    return samples.extension_form()


DEFINITION = register(
    FormDefinition(
        code=CODE,
        title=TITLE,
        clause="000 §五(二)4、5(2)",
        description="不能按期办结需要延期时填写：延期原因、申请的办结日期、部门负责人意见、分管领导意见。",
        context_model=ExtensionFormContext,
        build=build,
        sample=sample,
        citizen_copy=False,
    )
)
