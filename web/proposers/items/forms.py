"""The proposer's own feedback form (征询意见表): it parses what they chose and changes nothing.

Whether they may give it now (the round's replies all sent, within the window, not given yet) and
that a disagreement says why are the service's calls (`workflow.services.feedback.record_feedback`):
its sentence shows beside the field it names (`comment`, `proposer`). A login that speaks for several
of the item's proposers (a group's staff holding two memberships) chooses whose form it is.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import Proposer
from workflow.models import RatingValue
from workflow.services.outcomes import body_setting


class FeedbackForm(forms.Form):
    AGREES = (("yes", _("I agree with the reply (同意)")), ("no", _("I disagree with the reply (不同意)")))

    rating = forms.ModelChoiceField(
        label=_("Your overall rating of the handling"),
        queryset=RatingValue.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose your rating.")},
    )
    agrees = forms.TypedChoiceField(
        label=_("Do you agree with the reply?"),
        choices=AGREES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you agree with the reply.")},
    )
    praised = forms.BooleanField(label=_("I praise the handling unit (表扬)"), required=False)
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Required when you disagree: say why, the units handle the item again with it."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, item, proposers, **kwargs):
        """`proposers`: those the user may answer for (still to answer this round, else all theirs on the item)."""
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = RatingValue.objects.filter(scale=body_setting(item).rating_scale_id)
        self.proposers = list(proposers)
        if len(self.proposers) > 1:
            self.fields["proposer"] = forms.ModelChoiceField(
                label=_("Whose feedback is this?"),
                queryset=Proposer.objects.filter(pk__in=[p.pk for p in self.proposers]).order_by("name", "pk"),
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": _("Choose the proposer you answer for.")},
            )
            self.order_fields(["proposer"])

    def proposer(self):
        """The proposer chosen, or the only one the user may answer for."""
        if "proposer" in self.fields:
            return self.cleaned_data["proposer"]
        return self.proposers[0] if self.proposers else None
