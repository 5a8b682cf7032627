import time

from django.contrib.auth import password_validation
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from accounts.models import User
from accounts.roles import ADMIN_ROLES_NEEDING_TOTP, Role
from accounts.services import create_user, grant
from core import demo
from core.scoping import SYSTEM
from orgs.models import Organization

URL = "http://127.0.0.1:8000"
# The one documented demo password: 16 characters, upper and lower case, digits and a symbol.
PASSWORD = "Qiangji@2026demo"

# username, label, role, organisation code (None: installation-wide), with subtree, person key
LOGINS = [
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, None, True, None),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN, None, True, None),
    ("auditadmin", "审计管理员", Role.AUDIT_ADMIN, None, True, None),
    ("orgadmin", "组织管理员", Role.ORG_ADMIN, "ROOT", True, None),
    ("cs_secretary", "学院党委书记", Role.SECRETARY, "CS", True, "college_secretary"),
    # With the subtree, so the branch secretary also manages the branch's party groups.
    ("branch_secretary", "党支部书记", Role.SECRETARY, "CS-01", True, "branch_secretary"),
    ("member", "党员", Role.MEMBER, "CS-01", False, "member"),
]


class Command(BaseCommand):
    help = (
        "生成演示数据（幂等）：一所虚构的深圳工科大学——校党委、10 个院级党委、63 个党支部（各种构成）、"
        "党总支与党小组、约 2500 名虚构人员（身份证号校验位有效）、支委与换届、中层及以上领导干部，"
        "以及每种角色一个演示账号。已存在根组织 ROOT 时不做任何修改。"
        "人员、组织关系、政治面貌变动和委员职务为批量写入，不逐条记审计，"
        "而是只记一条汇总审计记录（动作“导入”，说明“演示数据”）；账号与授权照常逐条记审计。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="只要库中已有任何党组织就直接返回（make run 每次启动时调用）")

    def handle(self, *args, **options):
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("库中已有党组织数据，未生成演示数据。")
            self.print_logins()
            return
        from members.demo.build import DemoBuildError, build, demo_root

        if demo_root() is not None:
            self.stdout.write("演示数据已存在（根组织代码 ROOT），未作任何修改。")
            self.print_logins()
            return
        if Organization.objects.exists():
            raise CommandError("库中已有其他党组织数据，演示数据只能在空库中生成。")
        taken = sorted(User.objects.filter(username__in=[row[0] for row in LOGINS]).values_list("username", flat=True))
        if taken:
            raise CommandError(f"以下账号已存在，无法创建演示账号：{'、'.join(taken)}")
        started = time.monotonic()
        try:
            with transaction.atomic():
                state = build()
                self.create_logins(state)
                # The work apps' demo data (meetings...), registered in core.demo by the apps above members.
                summaries = [import_string(path)(state) for path in demo.builders]
        except DemoBuildError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        c = state.counts
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已生成，用时 {elapsed:.1f} 秒：行政单位 {c['units']} 个，党组织 {c['organizations']} 个"
            f"（其中党支部 {c['branches']} 个），人员 {c['people']} 名，组织关系 {c['memberships']} 条，"
            f"政治面貌变动 {c['status_changes']} 条，委员职务 {c['committee_seats']} 个，届次 {c['terms']} 个。"))
        for summary in summaries:
            self.stdout.write(summary)
        self.print_logins()

    def create_logins(self, state):
        for username, label, role, org_code, subtree, person_key in LOGINS:
            person = state.login_people[person_key] if person_key else None
            user = User(username=username, last_name=person.name if person else label)
            password_validation.validate_password(PASSWORD, user)
            user = create_user(SYSTEM, username, PASSWORD, person=person, must_change_password=False,
                               last_name=user.last_name)
            grant(SYSTEM, user, role, state.orgs[org_code] if org_code else None, include_subtree=subtree,
                  note="演示账号")

    def print_logins(self):
        users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in LOGINS])
                 .select_related("person").prefetch_related("role_assignments__organization")}
        if not users:
            return
        write = self.stdout.write
        write("")
        write(f"访问地址：{URL}")
        write(f"演示账号（密码均为 {PASSWORD}；演示账号已设为首次登录无需修改密码）：")
        for username, label, _role, _org, _subtree, _person in LOGINS:
            user = users.get(username)
            if user is None:
                continue
            where = []
            for a in user.role_assignments.all():
                if a.organization_id is None:
                    where.append("全局")
                else:
                    scope = "含下级组织" if a.include_subtree else "仅本组织"
                    where.append(f"{a.organization.name}（{scope}）")
            who = f"，人员：{user.person.name}" if user.person_id else ""
            write(f"  {username:<17}{label}：{'、'.join(where)}{who}")
        admins = [row[0] for row in LOGINS if row[2] in ADMIN_ROLES_NEEDING_TOTP]
        write(f"注意：{'、'.join(admins)} 三个管理员账号登录后须完成 TOTP 二次验证：首次登录时用手机验证器应用"
              "扫描页面上的二维码绑定，此后每次登录输入 6 位动态验证码。")
