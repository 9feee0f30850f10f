from __future__ import annotations

from zoneinfo import available_timezones

from django import forms

from revise.study.models import LearnerSettings
from revise.study.scheduling import Rating
from revise.study.services import (
    PAGE_LENGTH,
    TOKEN_LENGTH,
    page_readable,
    token_readable,
)

# The zones a learner picks from: the places ("Europe/London"), and UTC. Not the
# database's aliases and oddities ("GB", "US/Eastern", "Etc/GMT+5", "localtime",
# "Factory"); a zone a learner already has is kept in the list (see the form).
AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
ALL_TIME_ZONES = available_timezones()
TIME_ZONES = [
    "UTC",
    *sorted(z for z in ALL_TIME_ZONES if z.split("/", 1)[0] in AREAS),
]


class AnswerForm(forms.Form):
    card = forms.IntegerField(min_value=1, max_value=2**63 - 1)  # a database key
    token = forms.CharField(max_length=TOKEN_LENGTH, strip=False)
    rating = forms.TypedChoiceField(
        choices=[(int(r), r.label) for r in Rating], coerce=lambda v: Rating(int(v))
    )
    shown_at = forms.IntegerField(required=False, min_value=0)
    page = forms.CharField(required=False, max_length=PAGE_LENGTH, strip=False)

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not token_readable(token):
            raise forms.ValidationError("Not a card's token.", code="invalid")
        return token

    def clean_page(self) -> str:
        page = self.cleaned_data["page"]
        if not page_readable(page):
            raise forms.ValidationError("Not a page id.", code="invalid")
        return page


class LearnerSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[(z, z) for z in TIME_ZONES])
    desired_retention = forms.FloatField(
        min_value=0.70,
        max_value=0.97,
        label="Desired retention",
        help_text="The share of cards you want to remember when they come due "
        "(0.70 to 0.97). Higher means more reviews.",
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone if self.instance else ""
        if current and current not in TIME_ZONES and current in ALL_TIME_ZONES:
            self.fields["time_zone"].choices = [(current, current)] + [
                (z, z) for z in TIME_ZONES
            ]

    class Meta:
        model = LearnerSettings
        fields = [
            "desired_retention",
            "new_cards_per_day",
            "time_zone",
            "day_starts_at",
        ]
        labels = {
            "new_cards_per_day": "New cards per day",
            "day_starts_at": "A new day starts at (hour, 0 to 23)",
        }
