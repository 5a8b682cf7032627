"""What each role may do, as data. restrict() and can() read this table and nothing else.

Actions: view, add, change, delete, export, import, view_id_number, view_mobile.
The three administrators (系统/安全/审计, 三员分立) hold installation-wide assignments and none of them
can do another's job; the organisation roles hold assignments on an organisation, with or without its
subtree; the member role is self-service on the person linked to the account.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    ORG_ADMIN = "org_admin", _("组织管理员")
    SECRETARY = "secretary", _("支部书记/委员")
    MEMBER = "member", _("党员")


SYSTEM_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
# TOTP second factor for the three installation-wide administrators.
ADMIN_ROLES_NEEDING_TOTP = SYSTEM_ROLES

ALL = {"view", "add", "change", "delete", "export", "import"}
READ = {"view", "export"}

PERMISSIONS = {
    Role.SYSTEM_ADMIN: {
        "accounts.user": {"view", "add", "change", "export"},
        "orgs.unit": ALL,
        "core.ruleversion": ALL,
        "orgs.organization": {"view"},
    },
    Role.SECURITY_ADMIN: {
        "accounts.user": {"view"},
        "accounts.roleassignment": ALL,
        "orgs.organization": {"view"},
    },
    Role.AUDIT_ADMIN: {
        "audit.auditentry": READ,
    },
    Role.ORG_ADMIN: {
        "orgs.organization": ALL,
        "orgs.term": ALL,
        "orgs.unit": {"view"},
        "members.person": ALL | {"view_id_number", "view_mobile"},
        "members.membership": ALL,
        "members.committeeseat": ALL,
        "core.importbatch": ALL,
        "meetings.meeting": ALL,
        "meetings.attendance": ALL,
        "meetings.meetingfile": ALL,
        "meetings.campaign": ALL,
        "meetings.centralgroupmember": ALL,
        "ledgers.ledger": ALL,
        "ledgers.directive": ALL,
        "ledgers.section": ALL,
        "ledgers.duty": ALL,
        "ledgers.task": ALL,
        "decisions.matter": ALL,
        "decisions.branchopinion": {"view", "change", "export"},
        "liaison.liaison": ALL,
        "liaison.branchvisit": ALL,
        "liaison.problem": ALL,
        "recognition.brandproject": ALL,
        "recognition.brandmaterial": ALL,
        "recognition.modelbranchbatch": ALL,
        "recognition.modelbranch": ALL,
        "recognition.modelbranchmaterial": ALL,
        "recognition.honor": ALL,
        "recognition.rolemodel": ALL,
    },
    Role.SECRETARY: {
        "orgs.organization": READ,
        "orgs.term": READ | {"add", "change"},
        "orgs.unit": {"view"},
        "members.person": READ | {"add", "change", "import", "view_mobile"},
        "members.membership": READ | {"add", "change", "import"},
        "members.committeeseat": READ | {"add", "change"},
        "core.importbatch": {"view", "add", "change"},
        "meetings.meeting": ALL,
        "meetings.attendance": ALL,
        "meetings.meetingfile": ALL,
        "meetings.campaign": READ,
        "meetings.centralgroupmember": READ,
        # A secretary manages the ledgers of the organisation they hold the role on, and works on the
        # tasks it owns; who may verify a task is decided by ledgers.services (the manager organisation).
        "ledgers.ledger": ALL,
        "ledgers.directive": ALL,
        "ledgers.section": ALL,
        "ledgers.duty": ALL,
        "ledgers.task": ALL,
        # A committee's secretary records pre-reviews and decisions; a branch's, the branch's opinions.
        "decisions.matter": ALL,
        "decisions.branchopinion": {"view", "change", "export"},
        # A committee's secretary assigns liaisons and records visits to the branches below it; a branch's
        # sees them and follows up the problems found. Approving brands, running model-branch stages and
        # recording honours need the right on the organisation above (recognition.services).
        "liaison.liaison": ALL,
        "liaison.branchvisit": ALL,
        "liaison.problem": ALL,
        "recognition.brandproject": ALL,
        "recognition.brandmaterial": ALL,
        "recognition.modelbranchbatch": ALL,
        "recognition.modelbranch": ALL,
        "recognition.modelbranchmaterial": ALL,
        "recognition.honor": ALL,
        "recognition.rolemodel": ALL,
    },
    Role.MEMBER: {
        # Self-service: own profile and own records; the organisation they are assigned on.
        "orgs.organization": {"view"},
        "members.person": {"view", "view_id_number", "view_mobile"},
        "members.membership": {"view"},
        "members.committeeseat": {"view"},
        "meetings.centralgroupmember": {"view"},
        "meetings.attendance": {"view"},
        # A member proposes matters and follows their own proposals.
        "decisions.matter": {"view", "add", "change"},
        # A leader sees their own liaison; a member their own honours and role-model record.
        "liaison.liaison": {"view"},
        "recognition.honor": {"view"},
        "recognition.rolemodel": {"view"},
    },
}


def grants(role, model_label, action):
    return action in PERMISSIONS.get(role, {}).get(model_label, ())


def is_global(role):
    return role in SYSTEM_ROLES
