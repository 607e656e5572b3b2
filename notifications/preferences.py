"""A person's own choices of how they are told: the channels besides the bell, and the language."""

from django.db import transaction

from .models import NotificationPreference


def save_notification_settings(*, user, channels, language):
    """Store the user's choices together: the preference row (created on first save) and the language.

    `channels` holds only the channels the user may choose (those with an address); a
    stored choice for another channel is kept for when the office adds the address.
    """
    with transaction.atomic():
        if channels:
            NotificationPreference.objects.update_or_create(user=user, defaults=channels)
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])  # through save, so the user's history records it
