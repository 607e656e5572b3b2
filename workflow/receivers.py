"""What the workflow does when something below it changes; connected in `WorkflowConfig.ready`.

- A district however created (the admin, a shell) gets the default scheme and scale for each
  body. The import command, seed_demo and the test factories also call
  `ensure_body_settings`; it only adds what is missing. Fixture loading (raw) is left alone.
- When the working-day calendar changes (`deadlines.signals.calendar_changed`), every open
  obligation is derived again, and the number of due dates that moved is returned.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from deadlines.signals import calendar_changed
from districts.models import District

from .defaults import ensure_body_settings
from .obligations import recompute_open_obligations


@receiver(post_save, sender=District, dispatch_uid="workflow.district_body_settings")
def give_new_district_body_settings(sender, instance, created, raw, **kwargs):
    if created and not raw:
        ensure_body_settings(instance)


@receiver(calendar_changed, dispatch_uid="workflow.recompute_obligations")
def move_open_due_dates(sender, *, now, actor, **kwargs):
    return recompute_open_obligations(now=now, actor=actor)
