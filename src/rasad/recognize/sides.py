"""Which actors fight on the same side.

Built from the actor dictionary: an entry belongs to its ``parent``'s side, and ``allies``
join two sides (the Assad government with Russia and Iran-backed militias, the SDF with the
coalition, the SNA with Turkey), and an ally's ally is on the same side. Used to tell an opponent from a partner when the text does
not say who was on the other side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rasad.model import Actor

__all__ = ["Sides", "root_of"]


def root_of(parent: Mapping[str, str], actor_id: str) -> str:
    """The top organisation of an entry along ``parent`` (itself when it has no parent)."""
    seen = {actor_id}
    while actor_id in parent:
        actor_id = parent[actor_id]
        if actor_id in seen:  # a cycle in user data: stop where it closes
            break
        seen.add(actor_id)
    return actor_id


class Sides:
    __slots__ = ("_camp", "_parent")

    def __init__(self, parent: Mapping[str, str], allies: Iterable[tuple[str, str]]) -> None:
        self._parent = dict(parent)
        # camps: alliances closed under "an ally's ally" (union-find over top organisations)
        camp: dict[str, str] = {}

        def find(x: str) -> str:
            while camp.get(x, x) != x:
                x = camp[x]
            return x

        for a, b in allies:
            ra, rb = find(self.root(a)), find(self.root(b))
            if ra != rb:
                camp[max(ra, rb)] = min(ra, rb)
        self._camp = {x: find(x) for x in camp}

    def root(self, actor_id: str) -> str:
        """The top organisation of an entry (itself when it has no parent)."""
        return root_of(self._parent, actor_id)

    def camp(self, actor_id: str) -> str:
        """The alliance an entry belongs to, named by one of its members."""
        root = self.root(actor_id)
        return self._camp.get(root, root)

    def same_side(self, a: Actor, b: Actor) -> bool:
        return self.camp(a.id) == self.camp(b.id)
