"""The roles, what each may do, and the signed-in principal (who, with which role, over which area)."""
from __future__ import annotations

from dataclasses import dataclass


class AccessDenied(PermissionError):
    """The principal's role does not allow this (a person list for `public`, accounts for non-admins)."""


class ScopeError(AccessDenied):
    """A query asked for an area outside the principal's town/village."""


@dataclass(frozen=True)
class Role:
    """One role: `key` (stored in the accounts table), its rights, and whether it carries an area."""

    key: str
    data: bool          # the analytical pages (numbers, charts)
    lists: bool         # person lists (gap lists, their Excel)
    unmasked: bool      # full names and ID numbers in those lists (own area only)
    public_only: bool   # the public edition is forced on
    quality: bool       # the data-quality page (rejected rows of every area, masked)
    admin: bool         # accounts and the audit log
    follow_up: bool     # update worklist cases (status, amount recovered, note) in the own area
    area: str | None    # None, "town" or "village": the scope an account of this role must have


# follow_up: only caseworkers change a case, within their area; leader and analyst read the cases' status
# (the lists right), admin and public see none of them
ROLES: dict[str, Role] = {r.key: r for r in (
    Role("admin", data=False, lists=False, unmasked=False, public_only=False, quality=True, admin=True,
         follow_up=False, area=None),
    Role("leader", data=True, lists=True, unmasked=False, public_only=False, quality=True, admin=False,
         follow_up=False, area=None),
    Role("analyst", data=True, lists=True, unmasked=False, public_only=False, quality=True, admin=False,
         follow_up=False, area=None),
    Role("town_caseworker", data=True, lists=True, unmasked=True, public_only=False, quality=False, admin=False,
         follow_up=True, area="town"),
    Role("village_caseworker", data=True, lists=True, unmasked=True, public_only=False, quality=False, admin=False,
         follow_up=True, area="village"),
    Role("public", data=True, lists=False, unmasked=False, public_only=True, quality=False, admin=False,
         follow_up=False, area=None),
)}


def role(key: str) -> Role:
    """The role named `key`; ValueError naming the roles when it is not one."""
    try:
        return ROLES[key]
    except KeyError:
        raise ValueError(f"unknown role {key!r}; roles are {', '.join(ROLES)}") from None


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the queries see them: the account id, name, role and area."""

    user_id: int
    username: str
    role: str
    town: str | None = None
    village: str | None = None
    display_name: str | None = None
    demo: bool = False
    via: str = "local"    # "local" (password) or "oidc"

    def __post_init__(self) -> None:
        r = role(self.role)
        if r.area == "town" and not self.town:
            raise ValueError(f"{self.username}: role {self.role} needs a town")
        if r.area == "village" and not (self.town and self.village):
            raise ValueError(f"{self.username}: role {self.role} needs a town and a village")
        if r.area is None and (self.town or self.village):
            raise ValueError(f"{self.username}: role {self.role} covers every area (no town or village)")
        if r.area == "town" and self.village:
            raise ValueError(f"{self.username}: role {self.role} covers a whole town (no village)")

    @property
    def rights(self) -> Role:
        """What the role allows."""
        return ROLES[self.role]

    @property
    def scoped(self) -> bool:
        """True for a caseworker (every number limited to one town or village)."""
        return self.town is not None
