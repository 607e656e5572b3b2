"""The item page's panel of acts: each workspace says which of its acts a user may take on an item now.

A provider is a function `(user, item, assignments) -> list[Act]` kept beside the views it links
to; it asks the workflow's own checks (`workflow.services.permissions`, the item's state), never a
rule of its own. The page lists every provider's acts, so a workspace adds its acts by adding its
provider to `PROVIDERS`. Each act is a link to the act's own page (GET shows the form, POST does it).
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string

# Dotted paths of the providers, in the order their acts show.
PROVIDERS: tuple[str, ...] = (
    "web.office.intake.panel.offers",
    "web.office.assigning.panel.offers",
    "web.office.records.offers.offers",
    "web.office.decisions.acts.offers",
    "web.units.handling.panel.offers",
    "web.units.replies.panel.offers",
    "web.units.approvals.panel.offers",
    "web.casefiles.panel.offers",
    "web.proposers.items.offers.offers",
)


@dataclass(frozen=True)
class Act:
    label: str  # what the button says, translated
    url: str
    primary: bool = False  # the act the item waits for, shown first and highlighted


def acts_for(user, item, assignments) -> list[Act]:
    """The acts `user` may take on `item` now, primary first; `assignments` as the item page read them."""
    acts = [act for path in PROVIDERS for act in import_string(path)(user, item, assignments)]
    return sorted(acts, key=lambda act: not act.primary)
