from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actions.content import REASON_MAX_LENGTH
from actions.models import Paragraph

from .models import Country, Engagement


class EngagementForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Optional; kept in the history."),
    )
    # The version the editor started from (edits only): see `Engagement.record`.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Engagement
        fields = [
            "country",
            "kind",
            "government",
            "workers",
            "employers",
            "year",
            "date",
            "description",
            "source_paragraph",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "country": _("Country"),
            "kind": _("Kind"),
            "government": _("Government"),
            "workers": _("Workers’ organizations"),
            "employers": _("Employers’ organizations"),
            "year": _("Year"),
            "date": _("Date"),
            "description": _("Description"),
            "source_paragraph": _("Source paragraph"),
        }
        help_texts = {
            "date": _("Format: YYYY-MM-DD."),
            "year": _("The year the step took place."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.select_related("region")
        self.fields["source_paragraph"].queryset = Paragraph.objects.select_related("session")
        if not self.instance.pk:
            del self.fields["version"]
        elif not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict:
        data = super().clean()
        date, year = data.get("date"), data.get("year")
        if date and year and date.year != year:
            self.add_error("year", gettext("The date is in %(year)s.") % {"year": date.year})
        if date and not year:
            data["year"] = date.year
        return data

    def save(self, commit: bool = True) -> Engagement:
        self.instance._change_reason = self.cleaned_data.get("reason", "")
        return super().save(commit)
