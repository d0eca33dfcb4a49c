"""French and Spanish status labels agree with "mesure"/"medida" (feminine): wordings that were
made from the old labels take the new ones."""

from django.db import migrations

# Old label -> new label, per language field.
RENAMED = {
    "wording_fr": {
        "Non commencé": "Non commencée",
        "Démarrage": "En démarrage",
        "Achevé": "Achevée",
        "Achevé/en cours": "Achevée/en cours",
    },
    "wording_es": {
        "No iniciado": "No iniciada",
        "Por iniciar": "En fase inicial",
        "Completado": "Completada",
        "Completado/en curso": "Completada/en curso",
    },
}


def rename(apps, schema_editor, forward=True):
    StatusReport = apps.get_model("actions", "StatusReport")
    for field, labels in RENAMED.items():
        for old, new in labels.items():
            before, after = (old, new) if forward else (new, old)
            StatusReport.objects.filter(**{field: before}).update(**{field: after})


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0007_text_limits"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
