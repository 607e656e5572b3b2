"""How each URL's arguments are built for a scope of the world: `K("item")` is the item of that scope, and so on."""

from .matrix_world import MISSING


class K:
    """The `kind` object of the scope, passed as `name` (pk for the browser's routes, id for the API's)."""

    def __init__(self, kind, name="pk"):
        self.kind, self.name = kind, name

    def __call__(self, world, scope, role):
        return {self.name: world.pk(self.kind, scope)}

    def __repr__(self):
        return f"K({self.kind!r})" if self.name == "pk" else f"K({self.kind!r}, {self.name!r})"


class Fixed:
    """Arguments that name no object (a format, a batch, a sitemap section): the same in every scope."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def __call__(self, world, scope, role):
        return dict(self.kwargs)

    def __repr__(self):
        return "Fixed(" + ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items()) + ")"


def opinion(world, scope, role):
    """A city item's opinion: the item and the opinion of the scope."""
    return dict(world.objects["opinion"][scope])


def version(world, scope, role):
    """The first version of the scope's reply at the head's step."""
    return {"pk": world.pk("reply_head", scope), "number": 1}


def portal_year(world, scope, role):
    return {"code": world.pk("district_code", scope), "year": world.pk("year", scope)}


def token(world, scope, role):
    """own: the asking role's own token; same: the office's; other: a Jinshan member's."""
    if scope == "own":
        return {"token_id": world.token_ids_of.get(role, str(MISSING))}
    return {"token_id": world.token_ids[scope]}
