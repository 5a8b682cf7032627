import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry
from orgs.models import Organization


@pytest.mark.django_db
def test_create_root_once(capsys):
    call_command("create_root", "--code", "ROOT", "--name", "中共示例大学委员会", "--established-on", "1990-07-01")
    root = Organization.objects.get()
    assert (root.kind, root.depth, root.path) == ("committee", 0, f"{root.pk:08d}/")
    assert AuditEntry.objects.filter(model="orgs.organization", action="create", actor_name="system").count() == 1
    with pytest.raises(CommandError, match="已有根党委"):
        call_command("create_root", "--code", "ROOT2", "--name", "第二个")
    assert Organization.objects.count() == 1


@pytest.mark.django_db
def test_create_root_reports_bad_input_in_chinese():
    with pytest.raises(CommandError):
        call_command("create_root", "--code", "R", "--name", "x", "--established-on", "1990-13-45")
    assert not Organization.objects.exists()
