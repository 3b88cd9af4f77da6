"""The one clock: every read of the current time and of today's date goes through here.

Built on `django.utils.timezone.now()`, so standard tools move it for everybody at once:
tests use time-machine (the `clock` fixture in conftest.py, and every test starts at the
suite's pinned moment, see docs/testing.md), and the demo data and the simulator run the
services at chosen moments with `running_at()` / `Simulation`. A ruff rule (banned-api,
pyproject.toml) forbids reading `timezone.now`, `localdate`, `localtime`, `date.today`,
`datetime.now` and `time.time` anywhere else.

Business dates are local dates in Asia/Shanghai (TIME_ZONE): a ticket taken at 00:30 belongs
to that day, not to the UTC day before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.utils import timezone

# A fixed or simulated time for the code running in this thread (demo data, simulator).
# A context variable, not a module global: a server thread never sees another thread's
# simulated time.
_override: ContextVar[Callable[[], datetime] | None] = ContextVar("clock_override", default=None)


def now() -> datetime:
    """The current moment (aware, UTC)."""
    source = _override.get()
    return source() if source is not None else timezone.now()


def today() -> date:
    """The business date in the centre's time zone."""
    return timezone.localdate(now())


def timestamp() -> float:
    """Seconds since the epoch (expiry stamps kept in sessions, rate-limit windows)."""
    return now().timestamp()


def local(moment: datetime | None = None, tz: tzinfo | None = None) -> datetime:
    """`moment` (default: now) in the centre's time zone (or `tz`), for display and local hours."""
    return timezone.localtime(now() if moment is None else moment, tz)


def local_date(moment: datetime, tz: tzinfo | None = None) -> date:
    """The business date `moment` falls on (in the centre's time zone, or `tz`)."""
    return timezone.localdate(moment, tz)


def at(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """The aware moment of a local wall-clock time on `day` (e.g. 09:00 on a working day)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def start_of(day: date) -> datetime:
    """Local midnight at the start of `day`, aware."""
    return at(day)


def skew_tolerance() -> timedelta:
    """How far in the future a time entered by a person or a device may lie (their clock
    and the server's differ a little): settings.CLOCK_SKEW_TOLERANCE_MINUTES."""
    return timedelta(minutes=settings.CLOCK_SKEW_TOLERANCE_MINUTES)


def in_future(moment: datetime) -> bool:
    """True when `moment` lies beyond now plus the skew tolerance (refused as a typo)."""
    return moment > now() + skew_tolerance()


@contextmanager
def running_at(moment: datetime) -> Iterator[None]:
    """Run the block with the clock standing at `moment` (demo data written in the past)."""
    if timezone.is_naive(moment):
        raise ValueError("the clock needs an aware datetime")
    token = _override.set(lambda: moment)
    try:
        yield
    finally:
        _override.reset(token)


class Simulation:
    """A clock that a driver moves by hand (`manage.py simulate`): inside `installed()`,
    every read of this thread's clock returns the moment last `set()`."""

    def __init__(self) -> None:
        self.moment: datetime | None = None

    def now(self) -> datetime:
        return self.moment if self.moment is not None else timezone.now()

    def set(self, moment: datetime) -> None:
        if timezone.is_naive(moment):
            raise ValueError("the simulated clock needs an aware datetime")
        self.moment = moment

    @contextmanager
    def installed(self) -> Iterator[Simulation]:
        token = _override.set(self.now)
        try:
            yield self
        finally:
            _override.reset(token)
            self.moment = None
