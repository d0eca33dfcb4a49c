from django.apps import AppConfig
from django.core.signals import request_started


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Plan of Action"

    def ready(self) -> None:
        from .content import forget_mostly_english

        request_started.connect(forget_mostly_english, dispatch_uid="forget_mostly_english")
