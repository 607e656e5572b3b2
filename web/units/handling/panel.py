"""The handling acts on the item page (`web.items.panel`)."""

from web.items.panel import Act


def offers(user, item, assignments) -> list[Act]:
    return []
