"""What the workflow tells the apps above it: connect in your `AppConfig.ready`, act on commit.

Signals are defined here, apart from any receiver, so that a service sending one imports
nothing but this module.
"""

from django.dispatch import Signal

# Sent with `event` (a saved workflow.models.Event) by `workflow.events.record_event`,
# inside the transaction that recorded it (the notifications app tells people on commit).
event_recorded = Signal()

# Sent with `item_ids` (a list of item ids) by `workflow.services.history_import.record_imported`,
# inside the import's transaction, once the items and their past handling are written (those
# rows are inserted in bulk, without an `event_recorded` each).
items_imported = Signal()

# Sent with `invitation` (a saved submissions.models.CoSignInvitation) by
# `workflow.services.submissions.invite`, inside its transaction (the invited are told on commit).
invited = Signal()

# Sent by `workflow.services.outreach.answer` inside its transaction when a deputy answers a
# resident's 码上约 message left with a phone number and consent to be contacted, with `phone`
# (the resident's number), `district_id`, `path` (the site path of the resident's private
# page) and `answered_at` (the answer's moment: a retry of the same answer texts nothing more,
# a later answer texts again): the notifications app texts the resident on commit, a mobile
# number only. Primitives only, so that the receiver needs nothing of the outreach models.
resident_answered = Signal()
