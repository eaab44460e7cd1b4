"""The actor: who is making a request, with their permissions and the reach of their data scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from qcity.models import User

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Actor:
    user: User | None
    role: str
    permissions: frozenset[str] = frozenset()
    region_id: int | None = None
    region_path: str | None = None  # materialised path of the user's region; None with a region_id None = all
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    csrf_token: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def name(self) -> str:
        return self.user.display_name if self.user else "访客"

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def unit_bound(self) -> bool:
        """A liaison's reach is their units, not their region."""
        return self.role == "liaison"


def anonymous() -> Actor:
    return Actor(user=None, role=ANONYMOUS, permissions=frozenset())
