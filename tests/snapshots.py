"""Every row of every table, read straight from the database, to compare two states."""

from django.apps import apps
from django.db import connections

# Bookkeeping that differs between two databases holding the same data.
NOT_DATA = {"django_migrations", "django_cache"}


def table_rows(alias: str = "default", exclude: frozenset[str] = frozenset()) -> dict[str, list]:
    connection = connections[alias]
    tables = set(connection.introspection.table_names()) - NOT_DATA - exclude
    quote = connection.ops.quote_name
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            # Every table's first column is its primary key, so the order is total.
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
            rows = cursor.fetchall()
            # A many-to-many link's own id means nothing: loaddata numbers links afresh.
            snapshot[table] = sorted(row[1:] for row in rows) if table in LINKS else rows
    return snapshot


LINKS = {
    model._meta.db_table
    for model in apps.get_models(include_auto_created=True)
    if model._meta.auto_created
}
