"""Who may see what: accounts, roles with a town/village scope, and the audit trail.

The operational database (`access.db`) lives apart from the analytical DuckDB file that every load
replaces: SQLite in WAL mode in the data folder by default, PostgreSQL when $SUBSIDY_OPS_DB is a
`postgresql://` URL. Its schema is managed by Alembic migrations (access/migrations).

- `access.roles`: the roles and what each may do (`Role`), the signed-in `Principal`.
- `access.scope`: `enforce(principal, fn, kwargs)`, the rule every dashboard query passes through:
  a caseworker's town/village replaces whatever the URL or sidebar asked for, another area raises.
- `access.accounts`: local accounts (argon2 hashes, lock-out), OIDC mapping, the demo accounts.
- `access.audit`: the append-only log of sign-ins, pages, lists and downloads.
- `access.cases`: follow-up of worklist cases that survives every load (status, money recovered, note,
  history): `sync` after a load, `statuses`, `update` (all or nothing, own area, `follow_up` right),
  `history`, and the Excel round-trip (`workbook`, `read_workbook`, `upload`).
- `access.reveal`: full names and ID numbers for a caseworker's own area (audited), the only
  unmasked read in the product; the analyst API (`queries`) stays masked for everyone.
"""
from __future__ import annotations

from access.roles import ROLES as ROLES
from access.roles import AccessDenied as AccessDenied
from access.roles import Principal as Principal
from access.roles import Role as Role
from access.roles import ScopeError as ScopeError
from access.roles import role as role
