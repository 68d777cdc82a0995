"""Forms of the prevention app: a head count (staff) and the public checklist (anyone). They read and check input;
the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.models import User
from bangkit.prevention import selectors
from bangkit.prevention.checklist import QUESTIONS
from bangkit.prevention.models import Headcount
from bangkit.programs.models import Event
from bangkit.regions.models import Region, RegionLevel
from bangkit.registry.forms_details import DateInput


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        event: Event = obj
        return f"{event.title} — {event.venue_name}, {event.region.name} ({event.start_date:%d-%m-%Y})"


class HeadcountForm(forms.ModelForm):
    """A new head count (its event chosen among the prevention events the user may count) or a correction of one
    (the event stays)."""

    event = EventChoiceField(label=_("Sosialisasi pencegahan"), queryset=Event.objects.none())

    class Meta:
        model = Headcount
        fields = ["event", "date", "women", "men", "youths", "former_migrants"]
        widgets = {
            "date": DateInput,
            **{
                name: forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
                for name in ("women", "men", "youths", "former_migrants")
            },
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["event"]
        else:
            events: Any = self.fields["event"]
            events.queryset = selectors.events_for_headcounts(user, today=timezone.localdate())

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("date", "women", "men", "youths", "former_migrants")}


class ChecklistForm(forms.Form):
    """The safe-migration checklist: one required answer per question (each offers "don't know"), then, if the
    visitor wishes, their province — the only thing kept, as a count. No free text: nothing personal can be typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=question.choices,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("Pilih salah satu jawaban.")},
            )
        self.fields["province"] = forms.ModelChoiceField(
            label=_("Provinsi tempat tinggal Anda"),
            queryset=Region.objects.filter(level=RegionLevel.PROVINCE).order_by("name"),
            required=False,
            empty_label=_("Tidak ingin menyebutkan"),
            widget=forms.Select(attrs={"class": "form-select"}),
            help_text=_("Boleh dikosongkan. Hanya dipakai untuk menghitung berapa kali daftar ini diisi per provinsi."),
        )

    def answers(self) -> dict[str, str]:
        return {question.key: self.cleaned_data[question.key] for question in QUESTIONS}
