"""The standard phrases of the regulations, verbatim, keyed by the situation a member
of staff is in. Loaded into `catalog.Phrase` by migration 0002; other apps read them
with `catalog.selectors.phrase_for(Situation.DAY_CLOSE)`.

Sources: 000 §二(二) 语言规范 (引导员 1(1)–(5), 前台柜员 2(1)–(6)); 001 第九条 (the 21
phrases of 钦州); 003 服务承诺制度 §八 (称谓、礼貌、接待用语) and the forbidden words of
000 §二(二), 003 首问责任制度 §六 and 服务承诺制度 §四. The source texts were scraped
with half-width punctuation; the phrases keep every word and use the full-width
punctuation of printed Chinese (",?():" → "，？（）："). Placeholders are kept as the
regulations write them (XX, **, X, xx, xxx, 某某) and filled by `fill()`.

No Django model imports here: documents.samples and the tests read this module directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models


class Situation(models.TextChoices):
    CIVILITY = "civility", "十字文明用语"
    ADDRESS_TERMS = "address_terms", "称谓用语"
    COURTESY = "courtesy", "礼貌用语"
    FORBIDDEN = "forbidden", "禁用语"
    GUIDE_GREETING = "guide_greeting", "引导员接待来访"
    GUIDE_WAITING = "guide_waiting", "请办事职工等候"
    GUIDE_TICKET_HELP = "guide_ticket_help", "办事职工不会使用叫号设备"
    TELLER_GREETING = "teller_greeting", "接待前来办理业务的办事职工"
    REQUEST_MATERIALS = "request_materials", "请办事职工一次性提交资料"
    INCOMPLETE_MATERIALS = "incomplete_materials", "提交的资料不全或不符合要求"
    SIGNATURE = "signature", "请办事职工签字"
    LONG_PROCESSING = "long_processing", "办理时间较长的业务（贷款申请）"
    COMPLEX_MATTER = "complex_matter", "遇到较复杂的事宜"
    UNSURE = "unsure", "问题自己不清楚或不能处理"
    REFERRAL = "referral", "需到其他部门办理或解释"
    AGAINST_POLICY = "against_policy", "要求与政策规定不符、不能办理"
    PROXY_REFUSED = "proxy_refused", "不能由他人代办的业务"
    CONSULTATION = "consultation", "解答咨询"
    ACCOUNT_PRINT = "account_print", "查询打印"
    RETURN_DOCUMENTS = "return_documents", "办完业务交还资料"
    NOT_HEARD = "not_heard", "没听清办事职工所问"
    BUSY = "busy", "业务繁忙、应接不暇"
    INTERRUPTED = "interrupted", "接待中又有人提问"
    PHONE_DURING_SERVICE = "phone_during_service", "办理中需接听电话"
    EQUIPMENT_FAILURE = "equipment_failure", "设备临时故障"
    DAY_CLOSE = "day_close", "轧账后要求办理业务"
    AFTER_HOURS = "after_hours", "非上班时间来办理业务"
    SUGGESTION = "suggestion", "办事职工提出意见、建议或批评"
    COMPLAINT_RECEIVED = "complaint_received", "收到投诉、建议"
    PRAISE = "praise", "受到表扬"
    THANKS = "thanks", "办事职工致歉或致谢"
    FAREWELL = "farewell", "办事职工离开"
    PHONE_ANSWER = "phone_answer", "接听咨询电话"
    PHONE_CALL_OUT = "phone_call_out", "给业务相关人员打电话"


class Audience(models.TextChoices):
    ALL = "all", "全体窗口工作人员"
    GUIDE = "guide", "引导员"
    TELLER = "teller", "前台柜员"
    PHONE = "phone", "电话咨询"


class PhraseKind(models.TextChoices):
    PHRASE = "phrase", "服务用语"
    INSTRUCTION = "instruction", "服务要求"
    FORBIDDEN = "forbidden", "禁用语"


SOURCES = {
    "000": "邯郸市住房公积金管理中心窗口服务管理办法(试行)（2021）",
    "001": "钦州市住房公积金管理中心服务标准（2014）",
    "003": "和田地区住房公积金管理中心首问责任制度、服务承诺制度",
}


@dataclass(frozen=True)
class PhraseRow:
    situation: Situation
    text: str
    clause: str  # "000 §二(二)1(5)"
    circumstance: str  # when to say it, in the regulation's words
    audience: Audience = Audience.ALL
    kind: PhraseKind = PhraseKind.PHRASE

    @property
    def document(self) -> str:
        return self.clause.split()[0]


S, A, K = Situation, Audience, PhraseKind

# Order matters: within a situation the first row is what phrase_for() returns, so the
# 邯郸 2021 phrase (the default regulation) comes first.
PHRASES: tuple[PhraseRow, ...] = (
    # 000 §二(二) 语言规范
    PhraseRow(
        S.CIVILITY,
        "您好、请、谢谢、对不起、再见",
        "000 §二(二)",
        "窗口工作人员应态度和蔼、语言亲切、表达清楚，使用十字文明用语",
    ),
    PhraseRow(
        S.FORBIDDEN,
        "“不知道”、“我不管”、“少啰嗦”",
        "000 §二(二)",
        "禁止使用生、冷、硬及有伤情感、引发矛盾的语言",
        kind=K.FORBIDDEN,
    ),
    PhraseRow(
        S.GUIDE_GREETING,
        "您好，请问您办理什么业务",
        "000 §二(二)1(1)",
        "当办事职工来访时，引导员应立即停下手中的工作，主动亲切询问",
        A.GUIDE,
    ),
    PhraseRow(
        S.GUIDE_GREETING,
        "您好，请问有什么可以帮助您",
        "000 §二(二)1(1)",
        "当办事职工来访时，引导员应立即停下手中的工作，主动亲切询问",
        A.GUIDE,
    ),
    PhraseRow(S.GUIDE_WAITING, "请稍等，马上为您办理", "000 §二(二)1(2)", "当需要办事职工等候时", A.GUIDE),
    PhraseRow(
        S.GUIDE_TICKET_HELP,
        "当办事职工不会使用叫号设备时，应主动帮助叫号。",
        "000 §二(二)1(3)",
        "当办事职工不会使用叫号设备时",
        A.GUIDE,
        K.INSTRUCTION,
    ),
    PhraseRow(S.FAREWELL, "请慢走", "000 §二(二)1(4)", "当办事职工要离开时", A.GUIDE),
    PhraseRow(S.PRAISE, "没关系，这是我们应该做的", "000 §二(二)1(4)", "受到办事职工表扬时", A.GUIDE),
    PhraseRow(S.PRAISE, "谢谢，很高兴为您服务", "000 §二(二)1(4)", "受到办事职工表扬时", A.GUIDE),
    PhraseRow(
        S.DAY_CLOSE,
        "对不起，我们已经轧账了，请您使用自助办理好吗？",
        "000 §二(二)1(5)",
        "轧账后，办事职工要求办理业务",
        A.GUIDE,
    ),
    PhraseRow(
        S.TELLER_GREETING,
        "您好，需要办理什么业务？",
        "000 §二(二)2(1)",
        "当办事职工前来办理业务时，应热情接待，主动询问",
        A.TELLER,
    ),
    PhraseRow(
        S.TELLER_GREETING,
        "不好意思，让您久等了",
        "000 §二(二)2(1)",
        "当办事职工前来办理业务时，应热情接待，主动询问",
        A.TELLER,
    ),
    PhraseRow(
        S.REQUEST_MATERIALS,
        "根据**业务，请您一次性提交相关业务资料",
        "000 §二(二)2(2)",
        "当了解清楚办事职工情况后",
        A.TELLER,
    ),
    PhraseRow(
        S.INCOMPLETE_MATERIALS,
        "抱歉，您提交的资料缺少XX，我现在把补办的清单给您，请您完善后再来办理",
        "000 §二(二)2(3)",
        "当提交的文件资料不符合要求时",
        A.TELLER,
    ),
    PhraseRow(
        S.LONG_PROCESSING,
        "您好，您的基本资料我们已接收，办理情况会在X个工作日内及时通知您，请您保持电话通畅",
        "000 §二(二)2(4)",
        "如果是办理时间较长的贷款申请",
        A.TELLER,
    ),
    PhraseRow(
        S.COMPLEX_MATTER,
        "请您稍候，这种情况需要请示有关领导",
        "000 §二(二)2(5)",
        "遇到较复杂的事宜处理时",
        A.TELLER,
    ),
    PhraseRow(
        S.COMPLEX_MATTER,
        "真是抱歉，领导目前正在外出，需要您再来一次，请XX时间您再来好吗？（约定联系方式）",
        "000 §二(二)2(5)",
        "遇到较复杂的事宜处理时",
        A.TELLER,
    ),
    PhraseRow(
        S.COMPLEX_MATTER,
        "对不起，您的问题比较特殊，我请示一下有关部门（或领导），尽快给您答复，（约定联系方式）",
        "000 §二(二)2(5)",
        "遇到较复杂的事宜处理时",
        A.TELLER,
    ),
    PhraseRow(
        S.SUGGESTION, "谢谢您，欢迎您监督和批评", "000 §二(二)2(6)", "当办事职工提出意见或建议时", A.TELLER
    ),
    # 001 第九条（21条服务用语）
    PhraseRow(
        S.CIVILITY, "您好、请、谢谢、对不起、再见", "001 第九条", "工作人员在工作中，要坚持使用十字文明用语"
    ),
    PhraseRow(
        S.PHONE_ANSWER, "您好，公积金管理中心。", "001 第九条(一)", "接听咨询电话时，主动自我介绍", A.PHONE
    ),
    PhraseRow(S.PHONE_ANSWER, "再见。", "001 第九条(一)", "交谈结束时应说；待对方挂机后再放电话", A.PHONE),
    PhraseRow(
        S.PHONE_CALL_OUT,
        "您好，我是住房公积金管理中心的xxx（部门）。",
        "001 第九条(二)",
        "给与住房公积金业务有关的人员打电话时，主动表明身份",
        A.PHONE,
    ),
    PhraseRow(
        S.TELLER_GREETING, "您好，请问您是办理提取（贷款）业务吗？", "001 第九条(三)", "接待办事客户时"
    ),
    PhraseRow(S.TELLER_GREETING, "您好，请问有什么事要我帮忙吗？", "001 第九条(三)", "接待办事客户时"),
    PhraseRow(S.REQUEST_MATERIALS, "请将xx资料给我。", "001 第九条(四)", "客户来办理相关业务时", A.TELLER),
    PhraseRow(
        S.INCOMPLETE_MATERIALS,
        "对不起，根据规定您还应提供xx资料（简要介绍有关规定）这次让您白跑一趟，真是抱歉。",
        "001 第九条(五)",
        "客户办理相关业务提供材料不全时",
        A.TELLER,
    ),
    PhraseRow(
        S.SIGNATURE,
        "请在此处签上您的姓名和身份证号码（或联系电话）。",
        "001 第九条(六)",
        "所办业务需要客户签字时，应将资料递给客户，并告之",
        A.TELLER,
    ),
    PhraseRow(S.RETURN_DOCUMENTS, "您好，这是您的相关资料，请收好", "001 第九条(七)", "办完业务后", A.TELLER),
    PhraseRow(
        S.REFERRAL,
        "请到xx部门找xxx办理xx手续。",
        "001 第九条(八)",
        "如该项业务还需要到其他部门办理后续手续，在与有关部门联系后",
    ),
    PhraseRow(
        S.ACCOUNT_PRINT,
        "您好，请把您的身份证给我，我来帮您打印。",
        "001 第九条(九)",
        "客户办理住房公积金查询业务时",
        A.TELLER,
    ),
    PhraseRow(
        S.PROXY_REFUSED,
        "对不起，为了保护客户的权益，按规定我不能为您办理，请谅解。",
        "001 第九条(十)",
        "当发现客户代替别人办理不该由他人办理的业务时",
        A.TELLER,
    ),
    PhraseRow(S.CONSULTATION, "您想了解什么，我来帮您解答。", "001 第九条(十一)", "客户进行咨询时"),
    PhraseRow(
        S.UNSURE,
        "对不起，请稍候，待我请示一下（或待我向主管部门了解一下）再向您答复。",
        "001 第九条(十二)",
        "客户咨询的问题自己不大清楚（或不能处理）",
    ),
    PhraseRow(
        S.INTERRUPTED, "对不起，请稍候。", "001 第九条(十三)", "当你在接待客户咨询时又有人向你提出问题时"
    ),
    PhraseRow(
        S.INTERRUPTED,
        "对不起，等我回答完他的问题，再回答您的。",
        "001 第九条(十三)",
        "当你在接待客户咨询时又有人向你提出问题时",
    ),
    PhraseRow(
        S.AGAINST_POLICY,
        "非常抱歉，我不能为您办理这项业务（简要介绍有关规定），请您原谅。",
        "001 第九条(十四)",
        "当客户要求与国家政策和规定相悖时",
    ),
    PhraseRow(
        S.PHONE_DURING_SERVICE,
        "对不起，我接一下电话，请稍候。",
        "001 第九条(十五)",
        "办理业务过程中，因特殊原因需接听电话",
    ),
    PhraseRow(S.PHONE_DURING_SERVICE, "对不起，让您久等了。", "001 第九条(十五)", "接完电话后"),
    PhraseRow(
        S.AFTER_HOURS,
        "对不起，现在已下班，请您在中心规定的上班时间来办理。",
        "001 第九条(十六)",
        "客户在非上班时间来办理业务",
    ),
    PhraseRow(
        S.EQUIPMENT_FAILURE,
        "请原谅，计算机临时出现故障，我们将尽快排除，请稍候。",
        "001 第九条(十七)",
        "设备临时出现故障",
    ),
    PhraseRow(
        S.EQUIPMENT_FAILURE,
        "请原谅，机器故障暂时无法排除，请您留下电话，我会主动通知您。",
        "001 第九条(十七)",
        "设备临时出现故障",
    ),
    PhraseRow(
        S.COMPLAINT_RECEIVED,
        "非常感谢您对我们工作提出宝贵意见，请留下您的姓名和电话号码，我们研究（处理）后尽快与您联系。",
        "001 第九条(十八)",
        "收到客户的投诉、建议时",
    ),
    PhraseRow(S.THANKS, "不用客气，这是我们该做的。", "001 第九条(十九)", "客户向自己表示歉意或谢意时"),
    PhraseRow(S.FAREWELL, "请慢走。", "001 第九条(二十)", "与客户道别时"),
    PhraseRow(
        S.BUSY,
        "请您稍候，我马上为您办理。",
        "001 第九条(二十一)",
        "当业务繁忙，有客户急着要咨询或往里递送资料时",
    ),
    # 003 服务承诺制度 §八、首问责任制度 §六
    PhraseRow(S.ADDRESS_TERMS, "同志、师傅、先生、女士、您", "003 服务承诺制度 §八(1)", "称谓用语"),
    PhraseRow(
        S.COURTESY, "请、您好、对不起、请稍候、谢谢、没关系、再见", "003 服务承诺制度 §八(2)", "礼貌用语"
    ),
    PhraseRow(
        S.NOT_HEARD, "对不起，请您再说一遍好吗，我没听清", "003 服务承诺制度 §八(3)A", "听不清服务对象所问时"
    ),
    PhraseRow(S.BUSY, "对不起，请稍等", "003 服务承诺制度 §八(3)B", "接待服务对象应接不暇时"),
    PhraseRow(S.BUSY, "请稍候，我就来。", "003 服务承诺制度 §八(3)B", "接待服务对象应接不暇时"),
    PhraseRow(
        S.REFERRAL,
        "对不起，请到XX，由那里工作人员给您准确的解释",
        "003 服务承诺制度 §八(3)C",
        "服务对象咨询自己无法解释时",
    ),
    PhraseRow(
        S.INCOMPLETE_MATERIALS,
        "请您提供这些资料，齐了后我立即给您办",
        "003 服务承诺制度 §八(3)D",
        "需要服务对象补足材料或证件时，书面一次性告知并说",
    ),
    PhraseRow(
        S.SUGGESTION,
        "谢谢您对我们工作关心，我们一定虚心接受，尽快改进",
        "003 服务承诺制度 §八(3)E",
        "当听到服务对象批评或提意见时",
    ),
    PhraseRow(
        S.AGAINST_POLICY,
        "对不起，您这件事因为不符某某规定不能给您办理，请多理解、多包涵、实在抱歉",
        "003 服务承诺制度 §八(3)F",
        "服务对象所办业务不符合规定、不能办时",
    ),
    PhraseRow(
        S.FORBIDDEN,
        "“不知道”、“不清楚”、“不归我管”",
        "003 首问责任制度 §六",
        "不属于首问责任人所在部门职责范围的事，不能使用这些语言予以回绝，要负责指明相关承办部门",
        kind=K.FORBIDDEN,
    ),
    PhraseRow(
        S.FORBIDDEN,
        "不知道、不清楚、不是我分管的工作",
        "003 服务承诺制度 §四",
        "不得以这些借口推诿搪塞群众",
        kind=K.FORBIDDEN,
    ),
)

# XX, **, X (before 个工作日), xxx, xx, 某某 — as the regulations write them.
PLACEHOLDER = re.compile(r"\*\*|XX|xxx|xx|某某|X(?=个工作日)")


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def fill(text: str, *values: str) -> str:
    """Replace the placeholders in order of appearance; unfilled ones stay as written."""
    supplied = iter(values)

    def replace(match: re.Match[str]) -> str:
        return next(supplied, match.group(0))

    return PLACEHOLDER.sub(replace, text)


def first(situation: Situation) -> PhraseRow:
    """The default phrase of a situation without a database (documents' samples)."""
    for row in PHRASES:
        if row.situation == situation:
            return row
    raise LookupError(situation)
