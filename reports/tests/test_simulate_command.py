"""manage.py simulate on a database without a simulated history: arguments, --if-empty
and the simulated clock (the history itself: reports/tests/test_simulate.py)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from common import clock


def simulate(**options: object) -> str:
    out = StringIO()
    call_command("simulate", stdout=out, **options)
    return out.getvalue()


def test_if_empty_runs_on_a_database_with_only_the_demo_data(db) -> None:
    from org.demo import seed_demo
    from queueing.models import Ticket

    seed_demo()
    assert not Ticket.objects.exists()
    # A holiday: the run happens (and records itself) but issues no ticket.
    output = simulate(if_empty=True, start="2026-10-03", end="2026-10-03")
    assert "取号：0" in output

    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="reports.simulate.run").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": "2026-10-09", "end": "2026-10-08"}, "早于开始日期"),
        ({"start": "2003-03-03", "end": "2003-03-04"}, "2003年的节假日安排尚未发布"),
        ({"start": "2026-13-01"}, "格式不正确"),
        ({"volume": 0}, "--volume"),
        ({"days": 0}, "--days"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_in_chinese(db, options, message) -> None:
    with pytest.raises(CommandError, match=message):
        simulate(**options)


def test_a_period_ending_today_or_later_is_refused(db) -> None:
    today = clock.today()
    with pytest.raises(CommandError, match="结束日期最晚为昨天"):
        simulate(start=today.isoformat(), end=today.isoformat())


def test_no_project_module_binds_timezone_now_at_import_so_the_clock_reaches_everything() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"from django\.utils\.timezone import[^\n]*\bnow\b", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_the_simulated_clock_moves_field_defaults_and_restores_them() -> None:
    from datetime import datetime

    from audit.models import AuditEvent
    from common import clock
    from common.clock import Simulation

    simulation = Simulation()
    moment = timezone.make_aware(datetime.combine(date(2026, 10, 9), time(10, 30)))
    field = AuditEvent._meta.get_field("at")
    with simulation.installed():
        simulation.set(moment)
        assert clock.now() == moment
        assert clock.today() == date(2026, 10, 9)
        assert field.get_default() == moment
    assert field.get_default() != moment
    assert clock.now() != moment


def test_bulk_mode_says_so_when_the_bulk_generator_is_missing(db, monkeypatch) -> None:
    from reports.management.commands import simulate as command

    def missing(name: str) -> None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(command, "import_module", missing)
    with pytest.raises(CommandError, match=r"bulk\.py"):
        simulate(bulk=True, start="2026-10-08", end="2026-10-09")


def test_bulk_mode_hands_the_period_scale_and_seed_to_the_bulk_generator(db, monkeypatch) -> None:
    from types import SimpleNamespace

    from reports.management.commands import simulate as command

    calls = []
    fake = SimpleNamespace(generate=lambda **kwargs: calls.append(kwargs))
    monkeypatch.setattr(command, "import_module", lambda name: fake)
    simulate(bulk=True, start="2026-10-08", end="2026-10-09", scale="small", seed=7)
    assert len(calls) == 1
    assert calls[0]["start"] == date(2026, 10, 8) and calls[0]["end"] == date(2026, 10, 9)
    assert calls[0]["scale"] == "small" and calls[0]["seed"] == 7 and "stdout" in calls[0]


def test_it_asks_for_the_demo_centre_on_an_empty_database(db) -> None:
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="seed_demo"):
        simulate(start=yesterday, end=yesterday)
