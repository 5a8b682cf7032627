"""The organisation filter of the list pages: a big tree shows its upper levels only, and still filters by any
organisation the user sees (a link from a deeper organisation's page)."""
import re

import pytest

from members import filtersets

pytestmark = pytest.mark.django_db


def offered(html):
    select = re.search(r'<select[^>]*name="organization".*?</select>', html, re.S).group(0)
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}


def test_a_big_tree_shows_its_upper_levels_and_filters_by_any_organisation(users, login, client, monkeypatch):
    t = users
    login(t.org_admin)
    everyone = {o.pk for o in (t.root, t.ca, t.cb, t.ca_b1, t.ca_b2, t.ca_g1, t.cb_b1)}
    assert offered(client.get("/members/").content.decode()) == everyone
    monkeypatch.setattr(filtersets, "PICKER_SIZE", 4)
    assert offered(client.get("/members/").content.decode()) == {t.root.pk, t.ca.pk, t.cb.pk}  # two whole levels
    page = client.get("/members/", {"organization": t.ca_b2.pk}).content.decode()  # not offered, still accepted
    assert t.li.name in page and t.zhang.name not in page
    assert "选择一个有效的选项" not in page
