"""The bulk generator: a year of a large centre for performance work (issue 9 ⑤).

    from reports.simulate.bulk import generate
    summary = generate(start=date(2025, 11, 21), end=date(2026, 11, 20), scale="large", seed=1,
                       stdout=sys.stdout)

"large" is about 3 million queue tickets a year in 23 halls (the demo centre's three and
twenty more county 管理部 with 10–20 windows each), 1 million cases, 2 million ratings,
with their appointments and no-shows, 12329 callbacks, 差评 follow-ups, complaints and
overdue cases with their findings. "small" is a thousandth of the volume, for tests.

How it is written, and why it differs from the services:

* Rows go straight into the tables — COPY on PostgreSQL, executemany on SQLite — one
  transaction per working day, so memory stays flat and an interrupted run resumes: a
  hall and day that already has a ticket counter (an earlier run, or the demo's own
  history) is skipped. The "large" scale refuses SQLite.
* It is a performance data set, so it does NOT write the per-row history the services
  write: no TicketEvent, CaseEvent, AppointmentEvent, CallbackEvent, FollowUpEvent or
  per-row audit events, no CaseMaterial rows, no printed documents or SMS. One audit
  record summarises the load. The figures the statistics read are on the rows
  themselves (taken/called/started/finished, received/accepted/decided/delivered,
  deadlines, overdue flags and findings, rated_on, reply_due …).
* Rating tokens are written only for the services that were rated (the services mint a
  counter and a QR token for every visit and an online token for every case); an unused
  token is not a figure of any statistic.
* Everything else is what the services would have written: status values and the
  allowed transitions' end states, taken ≤ called ≤ started ≤ finished, service_date =
  the local date of taken_at, ticket numbers gapless per queue and day (and the
  TicketCounter rows that say so), receipt and complaint numbers gapless per branch /
  day with their sequence rows, deadlines from workdays.calendar through
  cases.deadlines with the rule set in force (its ref stored), overdue flags exactly
  when a finding exists, ratings' level label and 差评 flag from the window-score rule
  set of the day.

The shape of the day (arrivals by weekday and half hour, categories, priority share,
service times, no-shows, rating levels …) is reports/simulate/profile.py. The queue is
simulated per hall and day: each ticket, in queue order, goes to the open window that
serves its category and is free first — so waits grow on Mondays and when fewer windows
are open than the load needs, as they do in a real hall.

One module per generated record type: `organisation` (centre, halls, windows, staff,
matters), `halls` (tickets, window events, appointments), `cases` (cases and their
supplements, handovers, escalations, extensions, findings), `ratings` (ratings, tokens,
follow-ups, callbacks), `complaints`; `run` drives the days, `_common` holds the scales
and the shapes they share, `people` the names and numbers, `writer` the COPY / executemany
writer.
"""

from reports.simulate.bulk._common import SCALES, Scale
from reports.simulate.bulk.run import generate

__all__ = ["SCALES", "Scale", "generate"]
