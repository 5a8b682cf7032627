"""The benchmark logins, made through the same services as any other account (create_user, grant), so
that their roles are what a real org admin or secretary holds."""
from accounts.models import User
from accounts.roles import Role
from core.scoping import SYSTEM

PASSWORD = "bench-pass-2026"


def bench_users(root, level1, branch):
    """bench_root (org admin at the root), bench_l1 (org admin at a level-1 committee), bench_branch
    (secretary of one branch). Existing ones are left as they are."""
    from accounts.services import create_user, grant

    made = []
    for username, role, org in (("bench_root", Role.ORG_ADMIN, root), ("bench_l1", Role.ORG_ADMIN, level1),
                                ("bench_branch", Role.SECRETARY, branch)):
        if User.objects.filter(username=username).exists():
            continue
        user = create_user(SYSTEM, username, PASSWORD, must_change_password=False)
        grant(SYSTEM, user, role, org)
        made.append(username)
    return made
