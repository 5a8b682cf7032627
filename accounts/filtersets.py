import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment, User
from .roles import Role


class UserFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("账号/姓名"), method="search")
    is_active = filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = User
        fields = ["q", "is_active"]

    def search(self, qs, name, value):
        return qs.filter(Q(username__icontains=value) | Q(last_name__icontains=value) |
                         Q(first_name__icontains=value) | Q(person__name__icontains=value))


class RoleAssignmentFilterSet(filters.FilterSet):
    user = filters.CharFilter(label=_("账号"), field_name="user__username", lookup_expr="icontains")
    role = filters.ChoiceFilter(label=_("角色"), choices=Role.choices)
    organization = filters.CharFilter(label=_("组织代码"), field_name="organization__code")

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organization"]
