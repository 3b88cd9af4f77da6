"""Row writers of the bulk generator: COPY on PostgreSQL, executemany on SQLite.

The generator hands each writer plain dicts keyed by column (`branch_id`, not
`branch`); a column it leaves out gets the model field's default, so a forgotten
required column fails loudly (NULL into NOT NULL) instead of being filled silently.
Primary keys are taken up front (`ids`): the generator links rows (ticket → case →
rating) before anything is written, which is what lets COPY stream whole tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models

Row = Mapping[str, Any]


class _Table:
    """The columns of one model in insert order, with the default of each."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields]
        self.fields = fields
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.defaults: dict[str, Any] = {}
        for f in fields:
            self.defaults[f.attname] = None if f.primary_key else f.get_default()
        self.json = {f.attname for f in fields if isinstance(f, models.JSONField)}


class Writer:
    """Base: id allocation and the per-model column lists. `flush` is per day."""

    def __init__(self) -> None:
        self._tables: dict[type[models.Model], _Table] = {}
        self.written: dict[str, int] = {}

    def table(self, model: type[models.Model]) -> _Table:
        t = self._tables.get(model)
        if t is None:
            t = self._tables[model] = _Table(model)
        return t

    def ids(self, model: type[models.Model], n: int) -> list[int]:
        raise NotImplementedError

    def write(self, model: type[models.Model], rows: Iterable[Row]) -> int:
        raise NotImplementedError

    def finish(self) -> None:
        """Move the id sequences past what was written; refresh the planner's statistics."""

    def _count(self, model: type[models.Model], n: int) -> None:
        key = model._meta.label
        self.written[key] = self.written.get(key, 0) + n


class PostgresWriter(Writer):
    """COPY … FROM STDIN through psycopg 3; ids from the table's own sequence, so the
    application's later inserts never collide with the generated rows.

    When the connection may (a superuser, as on the benchmark cluster), the foreign-key
    triggers are skipped for this session (`session_replication_role = replica`): every
    link is made by the generator from ids it has just taken, the small-scale tests check
    the links with the constraints on, and it roughly halves the load time. Unique and
    check constraints and NOT NULL are never skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.fk_checks_skipped = False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            if row and row[0]:
                cursor.execute("SET session_replication_role = replica")
                self.fk_checks_skipped = True

    def ids(self, model: type[models.Model], n: int) -> list[int]:
        if n <= 0:
            return []
        t = self.table(model)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [t.name, model._meta.pk.column, n],  # type: ignore[union-attr]
            )
            return [r[0] for r in cursor.fetchall()]

    def write(self, model: type[models.Model], rows: Iterable[Row]) -> int:
        t = self.table(model)
        rows = list(rows)
        if not rows:
            return 0
        pk = model._meta.pk
        assert pk is not None
        # Rows without an id (sequence rows, counters) take the column's default.
        keep = [i for i, a in enumerate(t.attnames) if a != pk.attname or a in rows[0]]
        cols = ", ".join(f'"{t.columns[i]}"' for i in keep)
        attnames = [t.attnames[i] for i in keep]
        n = 0
        defaults, json_cols = t.defaults, t.json
        with connection.cursor() as wrapper:
            raw = wrapper.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f'COPY "{t.name}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    values = []
                    for a in attnames:
                        v = row[a] if a in row else defaults[a]
                        if a in json_cols and v is not None:
                            v = json.dumps(v, ensure_ascii=False)
                        values.append(v)
                    copy.write_row(values)
                    n += 1
        self._count(model, n)
        return n

    def finish(self) -> None:
        # VACUUM as well when it can run (not inside a transaction, e.g. a test's): it
        # sets the visibility map of the fresh pages, which is what lets the planner
        # answer counts from an index alone (index-only scans) on millions of rows.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            if self.fk_checks_skipped:
                cursor.execute("SET session_replication_role = DEFAULT")
            for t in self._tables.values():
                cursor.execute(f'{command} "{t.name}"')


class SqliteWriter(Writer):
    """executemany with each value prepared by its field (datetimes to UTC text, JSON
    to text) — the small scale only; ids continue after the table's largest."""

    def __init__(self) -> None:
        super().__init__()
        self._next: dict[str, int] = {}

    def ids(self, model: type[models.Model], n: int) -> list[int]:
        t = self.table(model)
        if t.name not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) FROM "{t.name}"')  # type: ignore[union-attr]
                self._next[t.name] = cursor.fetchone()[0] + 1
        first = self._next[t.name]
        self._next[t.name] = first + n
        return list(range(first, first + n))

    def write(self, model: type[models.Model], rows: Iterable[Row]) -> int:
        t = self.table(model)
        cols = ", ".join(f'"{c}"' for c in t.columns)
        marks = ", ".join(["%s"] * len(t.columns))
        batch = []
        for row in rows:
            values = []
            for f, a in zip(t.fields, t.attnames, strict=True):
                v = row[a] if a in row else t.defaults[a]
                values.append(f.get_db_prep_save(v, connection))
            batch.append(values)
        if batch:
            with connection.cursor() as cursor:
                cursor.executemany(f'INSERT INTO "{t.name}" ({cols}) VALUES ({marks})', batch)
        self._count(model, len(batch))
        return len(batch)

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for t in self._tables.values():
                cursor.execute(f'ANALYZE "{t.name}"')


def writer_for_connection() -> Writer:
    return PostgresWriter() if connection.vendor == "postgresql" else SqliteWriter()
