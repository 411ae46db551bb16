"""Print how to sign in as the bundled demo users (run by `make run`)."""

from __future__ import annotations

from kg.settings import load_settings
from kg.users import load_users

DEMO_TOKENS = {
    "usa-planner": "demo-usa-planner",
    "gbr-officer": "demo-gbr-officer",
    "fra-officer": "demo-fra-officer",
    "deu-officer": "demo-deu-officer",
    "jpn-officer": "demo-jpn-officer",
    "nzl-officer": "demo-nzl-officer",
    "nato-staff": "demo-nato-staff",
    "admin": "demo-admin",
}


def sign_in_help() -> str:
    """Return sign-in instructions for the demo users present in the users file."""
    settings = load_settings()
    users = load_users(settings.path("users"))
    base = f"http://{settings['host']}:{settings['port']}"
    lines = [
        f"Explorer: {base}/  (anonymous visitors see public data only)",
        f"Sign in at {base}/signin with one of these demo tokens, or send",
        "'Authorization: Bearer TOKEN' to the API:",
    ]
    for name, token in DEMO_TOKENS.items():
        user = users.get(name)
        if user:
            who = user.nation or user.organisation
            lines.append(
                f"  {token:20} {name:12} {who:5} clearance {user.clearance:10} "
                f"roles {', '.join(user.roles)}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(sign_in_help())
