"""Telling people: what each notification says, the channels that carry it, and delivery.

- `recording`: fan a notice out to the recipient's channels in one conflict-ignoring insert.
- `delivery`: claim one row with a conditional update, send it, record the outcome.
- `texts`: the words, rendered when sent or shown, in the recipient's language.
- `backends`: SMS gateways (console for development, HTTP for production).
- `events`: notices set off by timeline events (a reply arrived, a message from the unit).
"""
