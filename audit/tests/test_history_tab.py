"""Every detail page has a history tab, from the audit log."""
import re


def form_data(response):
    """The form's current values, as the browser would submit them."""
    data = {}
    for bf in response.context["form"]:
        value = bf.value()
        if value is None or value is False:
            continue
        data[bf.html_name] = "on" if value is True else value
    return data


def history_html(response):
    html = response.content.decode()
    return html[html.index('id="history"'):]


def test_person_edit_shows_before_and_after_in_history(users, login):
    c = login(users.org_admin)
    url = f"/members/{users.zhang.pk}/edit/"
    data = form_data(c.get(url))
    data.update(name="张嘉衡", title="副教授")
    r = c.post(url, data)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    r = c.get(f"/members/{users.zhang.pk}/?tab=history")
    assert r.status_code == 200
    history = history_html(r)
    assert re.search(r"姓名</span>：<span class=\"text-muted\">张嘉恒</span> → 张嘉衡", history)
    assert re.search(r"职称/职务</span>：<span class=\"text-muted\">—</span> → 副教授", history)
    assert "orgadmin" in history
    assert "版本" not in history  # bookkeeping left out


def test_history_masks_sensitive_fields_and_shows_choice_labels(users, login):
    # The secretary may see the person but not the ID number: the history must not show it either.
    r = login(users.sec_a).get(f"/members/{users.zhang.pk}/?tab=history")
    assert r.status_code == 200
    history = history_html(r)
    number = users.zhang.id_number
    assert number not in history and users.zhang.mobile not in history
    assert f"{number[0]}{'*' * 16}{number[-1]}" in history
    gender = users.zhang.get_gender_display()
    assert gender in ("男", "女")
    assert f"性别</span>：<span class=\"text-muted\">—</span> → {gender}</div>" in history


def test_history_tab_on_organisations_too(users, login):
    r = login(users.org_admin).get(f"/orgs/{users.ca.pk}/?tab=history")
    assert r.status_code == 200 and 'id="history"' in r.content.decode()
    assert 'id="tab-history"' in r.content.decode()
