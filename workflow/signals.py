"""A district however created (the admin, a shell) gets the default scheme and scale for each body.

The import command, seed_demo and the test factories also call `ensure_body_settings`; it only
adds what is missing, so the second call changes nothing. Fixture loading (raw) is left alone.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from districts.models import District

from .defaults import ensure_body_settings


@receiver(post_save, sender=District, dispatch_uid="workflow.district_body_settings")
def give_new_district_body_settings(sender, instance, created, raw, **kwargs):
    if created and not raw:
        ensure_body_settings(instance)
