from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


def create_cache_table(app_config: AppConfig, using: str, **kwargs) -> None:
    """`migrate` makes the database cache's table too (nothing if the cache is Redis): the
    page cache writes to it at the first save of an item, `restore`'s included."""
    # Sent once per app with models (this one has none): once is enough.
    if app_config.label == "contenttypes":
        call_command("createcachetable", database=using, verbosity=0)


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Any change to what the pages show makes the cached pages stale (ops/pagecache.py).
        from .pagecache import data_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"pagecache-{id(signal)}")
        post_migrate.connect(create_cache_table, dispatch_uid="ops-cache-table")
