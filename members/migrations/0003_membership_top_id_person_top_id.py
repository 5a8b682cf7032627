"""The top-level organisation's id (the sharding key, orgs.top), filled from the paths of the existing rows."""
from django.db import migrations, models

from orgs.top import fill


def fill_tops(apps, schema_editor):
    for name, org_field in (("Person", "organization"), ("Membership", "organization"),):
        fill(apps.get_model("members", name), org_field)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0004_pathhistory_orgs_pathhist_from_and_more'),
        ('members', '0002_committeeseat_dual_leader_basis_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='membership',
            name='top_id',
            field=models.IntegerField(db_index=True, editable=False, null=True, verbose_name='顶层组织'),
        ),
        migrations.AddField(
            model_name='person',
            name='top_id',
            field=models.IntegerField(db_index=True, editable=False, null=True, verbose_name='顶层组织'),
        ),
        migrations.RunPython(fill_tops, migrations.RunPython.noop),
    ]
