import json
import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from .content import CONTENT_LANGUAGES, REASON_MAX_LENGTH
from .models import Unit
from .reporting import GoverningBodySession, ProgressUpdate, Status, StatusReport
from .round import StatusProposal


def follow_status(form: forms.BaseForm, boxes: list[tuple[str, str]]) -> None:
    """Each wording box (field name, language) knows the status names in its language, so that
    a script keeps it in step with the status until the person types a wording
    (static/js/status-form.js); saved unchanged, a new status is worded so anyway (the forms'
    `clean`)."""
    for field, language in boxes:
        with override(language):
            names = {status.value: str(status.label) for status in Status}
        form.fields[field].widget.attrs["data-status-names"] = json.dumps(names)


class StatusReportForm(forms.ModelForm):
    """An editor's change to an item's status for the reporting session, with its reason."""

    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        label=_("Reason"),
        help_text=_("Why the status changes. Required when it does; kept in the history."),
    )
    note = forms.CharField(
        label=_("Progress note"),
        max_length=ProgressUpdate._meta.get_field("narrative").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Added to the item’s progress updates."),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The translations last: the status, its wording and the reason are what every edit needs.
    field_order = ["status", "wording", "reason", "note", "wording_fr", "wording_es"]

    class Meta:
        model = StatusReport
        fields = ["status", "wording", "wording_fr", "wording_es"]
        labels = {
            "status": _("Status"),
            "wording": _("Wording for the document"),
            "wording_fr": _("Wording in French"),
            "wording_es": _("Wording in Spanish"),
        }
        help_texts = {
            "wording": _(
                "As the Appendix will print it. Left unchanged, a new status uses its own name."
            ),
            "wording_fr": _("Optional. Left empty, the French pages show the English wording."),
            "wording_es": _("Optional. Left empty, the Spanish pages show the English wording."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Status.choices
        # Focus lands on the first control when the form replaces the row's Status cell.
        self.fields["status"].widget.attrs["autofocus"] = True
        self.fields["wording"].required = False
        follow_status(self, [("wording", "en")] + [(f"wording_{c}", c) for c in CONTENT_LANGUAGES])
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        changed = status and status != self.instance.status
        if changed and not data.get("reason", "").strip():
            self.add_error("reason", gettext("Say briefly why the status changes."))
        if status:
            # A new status without new wording is worded as the status's own name, in each
            # language (the English is the document's, whatever the editor's page language).
            for field, language in [("wording", "en")] + [
                (f"wording_{code}", code) for code in CONTENT_LANGUAGES
            ]:
                kept = changed and data.get(field) == getattr(self.instance, field)
                if (field == "wording" and not data.get(field)) or kept:
                    with override(language):
                        data[field] = str(Status(status).label)
        return data

    def full_clean(self) -> None:
        """After a refused save, the focus goes to the first field in error, not to Status."""
        super().full_clean()
        invalid = [name for name, field in self.fields.items() if name in self.errors]
        invalid = [name for name in invalid if not self.fields[name].widget.is_hidden]
        if invalid:
            self.fields["status"].widget.attrs.pop("autofocus", None)
            self.fields[invalid[0]].widget.attrs["autofocus"] = True

    def translations(self) -> dict[str, str]:
        """The wording in French and Spanish, for `ActionItem.report_status`."""
        return {
            f"wording_{code}": self.cleaned_data[f"wording_{code}"] for code in CONTENT_LANGUAGES
        }


class ProgressUpdateForm(forms.ModelForm):
    # Typed or pasted without its scheme ("itcilo.org/…"), a link gets https://; a text box, so
    # that the browser does not refuse such a link before the server can complete it.
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url"}),
        help_text=_("Optional: the address of a page or document that shows the progress."),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["date", "narrative", "evidence_url", "session"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "narrative": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "date": _("Date"),
            "narrative": _("Narrative"),
            "evidence_url": _("Evidence link"),
            "session": _("Session"),
        }
        help_texts = {
            "date": _("Format: YYYY-MM-DD."),
            "session": _("The Governing Body session this update reports to."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Published and cancelled sessions are frozen.
        self.fields["session"].queryset = GoverningBodySession.objects.drafts()
        self.fields["session"].empty_label = None
        # The date's default is today, computed: Django would add a hidden copy of it carrying the
        # visible field's aria-describedby, which is not valid HTML. Nothing reads that copy.
        self.fields["date"].show_hidden_initial = False


class MonthField(forms.DateField):
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class SessionForm(forms.ModelForm):
    """Open the next reporting session, to which editors then write statuses."""

    class Meta:
        model = GoverningBodySession
        fields = ["code", "held_in", "period", "document_symbol", "document_title", "statuses_due"]
        labels = {
            "code": _("Code"),
            "held_in": _("Month of the session"),
            "period": _("Period"),
            "document_symbol": _("Document symbol"),
            "document_title": _("Document title"),
            "statuses_due": _("Statuses due"),
        }
        # A month picker: the session's month is all that is asked (a full date is taken too).
        widgets = {
            "held_in": forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
            "statuses_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        field_classes = {"held_in": MonthField}
        # Only where the form says it otherwise than the model (the document symbol's is the
        # model's help_text).
        help_texts = {
            "code": _("GB. and the session’s number, e.g. GB.341."),
            "held_in": _("Year and month (YYYY-MM); it orders the sessions."),
            "period": _("As the session’s documents say it, e.g. March 2021."),
            "statuses_due": _(
                "Optional (YYYY-MM-DD): the day by which the responsible units are asked to "
                "propose their statuses; reminders are sent before it."
            ),
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"GB\.\d{3}", code):
            raise forms.ValidationError(
                gettext("Write the code as GB. and three digits, e.g. GB.341.")
            )
        return code

    def clean_held_in(self):
        held_in = self.cleaned_data["held_in"]
        latest = GoverningBodySession.objects.order_by("-held_in").first()
        if latest and held_in <= latest.held_in:
            raise forms.ValidationError(
                gettext("A new session comes after the latest one, %(code)s (%(period)s).")
                % {"code": latest.code, "period": latest.local_period}
            )
        return held_in.replace(day=1)

    def clean(self) -> dict:
        data = super().clean()
        draft = GoverningBodySession.objects.reporting()
        if draft is not None:
            raise forms.ValidationError(
                gettext("%(code)s is still open as a draft: publish it before opening another.")
                % {"code": draft.code}
            )
        return data


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        required=False,
        label=_("Publish despite the warnings above"),
    )


class ImportForm(forms.Form):
    """The Appendix as a file, for `/sessions/<code>/import/`."""

    # An empty file is refused by the import itself, with the same words as other bad files.
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,
        help_text=_(
            "The Word Appendix (.docx) or the Appendix downloaded as Excel (.xlsx) or CSV, "
            "at most 5 MB. Nothing is saved until you apply the changes you tick."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.xlsx,.csv"}),
    )


class ApplyImportForm(forms.Form):
    """The rows of an import's preview that the editor ticks, the status of each (the file's,
    or the editor's choice where the file's wording is not recognised), and one reason."""

    preview = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason"),
        help_text=_("Why these statuses change; kept in each item’s history with the file’s name."),
    )

    def __init__(self, *args, changes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.changes = list(changes)
        self.fields["apply"] = forms.TypedMultipleChoiceField(
            choices=[(row.number, row.number) for row in self.changes],
            coerce=int,
            required=True,
            error_messages={"required": _("Tick at least one row to apply.")},
        )
        for row in self.changes:
            self.fields[f"status-{row.number}"] = forms.ChoiceField(
                choices=[("", _("Choose a status")), *Status.choices],
                required=False,
                initial=row.status or "",
            )

    def clean(self) -> dict:
        data = super().clean()
        for number in data.get("apply", []):
            if not data.get(f"status-{number}"):
                self.add_error(
                    f"status-{number}",
                    gettext("Item %(number)s: choose its status, or untick it.")
                    % {"number": number},
                )
        return data

    @property
    def rows(self) -> list[tuple]:
        """Each row of the preview's changes with its status field, for the template."""
        return [(row, self[f"status-{row.number}"]) for row in self.changes]

    @property
    def ticked(self) -> set[int]:
        """The rows ticked when the form comes back refused, to show them ticked again."""
        if not self.is_bound:
            return set()
        return {int(n) for n in self.data.getlist("apply") if n.isdigit()}

    def chosen(self) -> dict[int, str]:
        """Item number → status, for the ticked rows."""
        return {n: self.cleaned_data[f"status-{n}"] for n in self.cleaned_data["apply"]}


# --- The reporting round (actions/round.py) ----------------------------------------------------


class ProposalForm(forms.ModelForm):
    """A focal point's proposed status for one of their unit's items, for the open session."""

    # The session the form was opened for: a form kept open while the session was published
    # is refused rather than sent to the next one.
    session = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = StatusProposal
        fields = ["unit", "status", "wording", "note"]
        labels = {
            "unit": _("For the unit"),
            "status": _("Status"),
            "wording": _("Wording for the document"),
            "note": _("Progress note"),
        }
        help_texts = {
            "wording": _("As the Appendix would print it. Left empty, the status's own name."),
            "note": _("Optional: what was done, for the coordinator and the item's updates."),
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
        self.fields["status"].choices = Status.choices
        self.fields["wording"].required = False
        follow_status(self, [("wording", "en")])

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        # As on the editors' form: a new status whose wording was left as it came (the status
        # last published, or the previous proposal's) is worded as the status's own name.
        kept = status != self.instance.status and data.get("wording") == self.instance.wording
        if status and (kept or not data.get("wording", "").strip()):
            with override("en"):  # the document's wording is English
                data["wording"] = str(Status(status).label)
        return data


class ReviewForm(forms.Form):
    """A coordinator's decision on a proposal."""

    ACCEPT = "accept"
    SEND_BACK = "send_back"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ACCEPT, _("Accept: it becomes the draft’s status")),
            (SEND_BACK, _("Send back to the unit, saying why")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the unit"),
        required=False,
        max_length=StatusProposal._meta.get_field("review_comment").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending back: the focal points read it."),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == self.SEND_BACK and not data.get("comment", "").strip():
            self.add_error("comment", gettext("Say why it goes back, so that the unit can fix it."))
        return data


class UnitForm(forms.ModelForm):
    """A coordinator names a unit's focal points and the items it is responsible for."""

    items = forms.ModelMultipleChoiceField(
        label=_("Responsible for"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "focal_points"]
        labels = {"code": _("Code"), "name": _("Name"), "focal_points": _("Focal points")}
        help_texts = {
            "code": _("As the Office writes it, e.g. ACTRAV."),
            "focal_points": _(
                "Staff who propose the statuses of the unit’s items; several per unit."
            ),
        }
        widgets = {"focal_points": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Members of the group, and whoever the unit already names (kept if they left it).
        named = Q(focal_point_units=self.instance.pk) if self.instance.pk else Q(pk__in=[])
        self.fields["focal_points"].queryset = (
            get_user_model()
            .objects.filter(Q(groups__name="Focal points") | named)
            .distinct()
            .order_by("username")
        )
        self.fields["items"].queryset = plan.action_items.order_by("number")
        self.fields["items"].label_from_instance = lambda item: (
            gettext("Item %(number)s") % {"number": item.number}
        )
        if self.instance.pk:
            self.initial["items"] = list(self.instance.action_items.values_list("pk", flat=True))
