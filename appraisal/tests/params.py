"""The bundled rule sets' params, read from their TOML files without a database."""

from __future__ import annotations

import tomllib
from functools import cache

from rules.loader import BUNDLED_DIR
from rules.schemas import StaffAppraisalParams, WindowScoreParams


def _params(code: str) -> dict:
    return tomllib.loads((BUNDLED_DIR / f"{code}.toml").read_text(encoding="utf-8"))["params"]


@cache
def anqing() -> StaffAppraisalParams:
    return StaffAppraisalParams.model_validate(_params("anqing-staff-appraisal"))


@cache
def handan() -> WindowScoreParams:
    return WindowScoreParams.model_validate(_params("handan-2021-window-score"))
