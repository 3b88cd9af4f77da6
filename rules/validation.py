"""Validating rule-set params and interpretations, with errors a person can act on.

Pydantic's messages are English and name fields by tuple; an administrator editing a
rule set needs Chinese and a path like `levels[2].points`. No Django import (the data
migration uses this module).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from common.errors import DomainError
from rules.schemas import SCHEMAS, Interpretation, RuleParams

_MESSAGES: dict[str, str] = {
    "missing": "缺少此字段",
    "extra_forbidden": "不允许的字段（拼写错误？）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为对象（键值表）",
    "model_type": "应为对象（键值表）",
    "model_attributes_type": "应为对象（键值表）",
    "literal_error": "取值必须是 {expected}",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "too_short": "至少要有 {min_length} 项",
    "string_too_short": "不能为空",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符（应匹配 {pattern}）",
}


class RuleParamsInvalid(DomainError):
    """Params (or interpretations) that do not fit the schema of their kind."""

    code = "rule_params_invalid"


def _path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(error: Any) -> str:
    kind = error["type"]
    if kind in {"value_error", "assertion_error"}:
        return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = _MESSAGES.get(kind)
    if template is None:
        return str(error["msg"])
    return template.format(**{k: v for k, v in (error.get("ctx") or {}).items()})


def error_list(exc: ValidationError, root: str) -> list[dict[str, str]]:
    return [{"field": _path([root, *e["loc"]]), "message": _message(e)} for e in exc.errors()]


def _raise(exc: ValidationError, root: str, title: str) -> None:
    errors = error_list(exc, root)
    lines = "；".join(f"{e['field']}：{e['message']}" for e in errors)
    raise RuleParamsInvalid(f"{title}：{lines}", errors=errors) from None


def validate_params(kind: str, data: Any) -> RuleParams:
    """The typed params of `kind`, or RuleParamsInvalid naming every bad field."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise RuleParamsInvalid(f"未知的规则集类别：{kind}")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        _raise(exc, "params", "规则参数无效")
    raise AssertionError("unreachable")


def canonical_params(kind: str, data: Any) -> dict[str, Any]:
    """Validated params as stored: defaults filled in, JSON types only."""
    return validate_params(kind, data).model_dump(mode="json")


_INTERPRETATIONS = TypeAdapter(list[Interpretation])


def canonical_interpretations(data: Any) -> list[dict[str, str]]:
    try:
        items = _INTERPRETATIONS.validate_python(data)
    except ValidationError as exc:
        _raise(exc, "interpretations", "释义无效")
    return [item.model_dump(mode="json") for item in items]
