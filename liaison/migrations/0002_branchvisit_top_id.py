"""The top-level organisation's id (the sharding key, orgs.top), filled from the paths of the existing rows."""
from django.db import migrations, models

from orgs.top import fill


def fill_tops(apps, schema_editor):
    for name, org_field in (("BranchVisit", "branch"),):
        fill(apps.get_model("liaison", name), org_field)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0004_pathhistory_orgs_pathhist_from_and_more'),
        ('liaison', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='branchvisit',
            name='top_id',
            field=models.IntegerField(db_index=True, editable=False, null=True, verbose_name='顶层组织'),
        ),
        migrations.RunPython(fill_tops, migrations.RunPython.noop),
    ]
