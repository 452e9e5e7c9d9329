"""`python -m subsidy users …`: accounts of the operational database ($SUBSIDY_OPS_DB, default
data/ops.sqlite), the same functions the admin page uses; every change is written to the audit log.

    python -m subsidy users add wang --role town_caseworker --town 城东街道
    python -m subsidy users list
    python -m subsidy users disable wang            # and: enable wang
    python -m subsidy users reset-password wang
    python -m subsidy users set-role wang --role town_caseworker --town 城西街道   # a caseworker moves
    python -m subsidy users demo                    # the demo accounts, on the demo database only

A new or reset password is printed once (or read from stdin with --password-stdin); only its argon2
hash is stored.
"""
from __future__ import annotations

import argparse
import sys

import queries
from access import ROLES, accounts
from access import db as ops_db
from contract.paths import db_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `users` sub-commands."""
    sub = parser.add_subparsers(dest="users_command", required=True)
    p = sub.add_parser("add", help="create an account")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=list(ROLES))
    p.add_argument("--town", help="the town (镇街) of a town or village caseworker")
    p.add_argument("--village", help="the village (村社区) of a village caseworker")
    p.add_argument("--display-name")
    p.add_argument("--email", help="the identity provider's e-mail of this person (OIDC sign-in)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sub.add_parser("list", help="every account with role, area and state")
    for name, text in (("disable", "stop an account from signing in"), ("enable", "allow it again"),
                       ("reset-password", "set a new password and lift a lock-out")):
        q = sub.add_parser(name, help=text)
        q.add_argument("name")
        if name == "reset-password":
            q.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    q = sub.add_parser("set-role", help="give an account another role or area")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=list(ROLES))
    q.add_argument("--town", help="the town (镇街) of a town or village caseworker")
    q.add_argument("--village", help="the village (村社区) of a village caseworker")
    sub.add_parser("demo", help="create the demo accounts (one per role) when the database is the demo")


def _areas() -> dict[str, list[str]] | None:
    """town → villages of the analytical database, or None when it does not exist yet."""
    path = db_path()
    if not path.exists():
        return None
    con = queries.connect(path)
    try:
        return {t: queries.villages(con, t) for t in queries.towns(con)}
    finally:
        con.close()


def _is_demo() -> bool:
    path = db_path()
    if not path.exists():
        return False
    con = queries.connect(path)
    try:
        return queries.is_demo(con)
    finally:
        con.close()


def _password(args: argparse.Namespace) -> str | None:
    return sys.stdin.readline().rstrip("\n") if getattr(args, "password_stdin", False) else None


def ensure_demo() -> int:
    """The demo accounts, printed; refused (exit 1) when the database is not the demo district."""
    if not _is_demo():
        print(f"错误 error: {db_path()} is not the demo database: demo accounts are for the demo only",
              file=sys.stderr)
        return 1
    eng = ops_db.make_engine()
    made = accounts.ensure_demo_accounts(eng, _areas() or {})
    print(f"演示账号 demo accounts ({ops_db.describe()}), password {accounts.DEMO_PASSWORD}:")
    for username, role, town, village in made:
        print(f"  {username:14s} {role:19s} {' · '.join(x for x in (town, village) if x)}")
    return 0


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run one `users` sub-command; returns the exit status."""
    if args.users_command == "demo":
        return ensure_demo()
    eng = ops_db.make_engine()
    try:
        if args.users_command == "add":
            pw = accounts.add(eng, args.name, args.role, town=args.town, village=args.village,
                              password=_password(args), display_name=args.display_name, email=args.email,
                              known_towns=_areas())
            if not args.password_stdin:
                print(f"password of {args.name} (shown once): {pw}")
            print(f"added {args.name} ({args.role})")
        elif args.users_command == "list":
            print(f"{'name':16s} {'role':19s} {'area':24s} state")
            for r in accounts.listing(eng):
                state = "disabled" if r.disabled else "locked" if r.locked_until else "active"
                area = " · ".join(x for x in (r.town, r.village) if x) or "-"
                print(f"{r.username:16s} {r.role:19s} {area:24s} {state}{' (demo)' if r.demo else ''}")
        elif args.users_command in ("disable", "enable"):
            accounts.set_disabled(eng, args.name, args.users_command == "disable")
            print(f"{args.users_command}d {args.name}")
        elif args.users_command == "set-role":
            accounts.set_role(eng, args.name, args.role, town=args.town, village=args.village, known_towns=_areas())
            print(f"{args.name}: {' · '.join(x for x in (args.role, args.town, args.village) if x)}")
        elif args.users_command == "reset-password":
            pw = accounts.reset_password(eng, args.name, _password(args))
            if not args.password_stdin:
                print(f"new password of {args.name} (shown once): {pw}")
    except accounts.AccountError as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 1
    return 0
