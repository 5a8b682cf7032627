from datetime import date

import pytest

from core.models import RuleVersion
from core.rules import rule_value


@pytest.mark.django_db
def test_default_then_global_then_subtree_override():
    assert rule_value("term.years.branch", date(2020, 1, 1)) == 3
    RuleVersion.objects.create(key="term.years.branch", effective_from=date(2023, 1, 1), value=4)
    RuleVersion.objects.create(key="term.years.branch", effective_from=date(2024, 1, 1), value=2,
                               scope_path="00000001/00000002/")
    assert rule_value("term.years.branch", date(2022, 12, 31)) == 3
    assert rule_value("term.years.branch", date(2023, 6, 1)) == 4
    assert rule_value("term.years.branch", date(2024, 6, 1), "00000001/00000002/00000009/") == 2
    assert rule_value("term.years.branch", date(2024, 6, 1), "00000001/00000003/") == 4
    # Before the subtree override starts, its subtree follows the global value.
    assert rule_value("term.years.branch", date(2023, 6, 1), "00000001/00000002/00000009/") == 4


@pytest.mark.django_db
def test_before_any_version_is_an_error():
    with pytest.raises(LookupError, match="没有生效的取值"):
        rule_value("term.years.branch", date(1970, 1, 1))


@pytest.mark.django_db
def test_unknown_rule_is_an_error():
    with pytest.raises(KeyError):
        rule_value("no.such.rule", date(2020, 1, 1))
