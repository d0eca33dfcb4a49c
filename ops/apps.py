from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Any change to what the pages show makes the cached pages stale (ops/pagecache.py).
        from .pagecache import data_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"pagecache-{id(signal)}")
