"""English is the second language: the catalogue is complete and compiled, pages switch to English by the
language cookie or /i18n/setlang/, data stays as entered, and no template carries untranslated UI text.

The source strings (msgids) are the Chinese UI text; locale/en/LC_MESSAGES/django.po translates them.
"""
import ast
import gettext
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from audit.models import AuditEntry
from core.errors import BusinessRuleError
from members.models import Membership, Person, StatusChange
from orgs import services as org_services
from orgs.models import Organization, Unit

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
TEMPLATE_DIRS = ["templates", "core/templates", "orgs/templates", "members/templates", "accounts/templates",
                 "audit/templates", "meetings/templates", "ledgers/templates", "decisions/templates",
                 "liaison/templates", "recognition/templates", "reports/templates"]
# CJK ideographs and the full-width punctuation that would show up untranslated in an English page.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """LocaleMiddleware leaves the request's language active on the thread; later tests expect Chinese."""
    yield
    translation.deactivate()


# --- the catalogue ------------------------------------------------------------------------------

def parse_po(path):
    """The entries of a .po file: dicts with ctx, id, id_plural, strs {index: text}, flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and "id" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry or {"ctx": None, "id_plural": None, "strs": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(key, int):
                entry["strs"][key] += text
            else:
                entry[key] += text
        else:
            keyword, _space, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword.startswith("msgstr["):
                key = int(keyword[7:-1])
                entry["strs"][key] = text
            elif keyword == "msgstr":
                key = 0
                entry["strs"][0] = text
            else:
                key = {"msgctxt": "ctx", "msgid": "id", "msgid_plural": "id_plural"}[keyword]
                entry[key] = text
    return entries


def po_catalog(entries):
    """The message dictionary gettext.GNUTranslations builds from a .mo, built from the .po instead."""
    catalog = {}
    for e in entries:
        if e["id"] == "":
            continue
        msgid = f"{e['ctx']}\x04{e['id']}" if e["ctx"] else e["id"]
        if e["id_plural"] is not None:
            for index, text in e["strs"].items():
                catalog[(msgid, index)] = text
        else:
            catalog[msgid] = e["strs"][0]
    return catalog


@pytest.fixture(scope="module")
def entries():
    return parse_po(PO)


def test_catalogue_is_complete(entries):
    assert len(entries) > 500, "the English catalogue looks truncated"
    header = entries[0]
    assert header["id"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["strs"][0] and "Plural-Forms: nplurals=2; plural=(n != 1);" in header["strs"][0]
    problems = []
    for e in entries[1:]:
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {e['id']}")
        expected = 2 if e["id_plural"] is not None else 1
        if len(e["strs"]) != expected or not all(s.strip() for s in e["strs"].values()):
            problems.append(f"untranslated: {e['id']}")
        for text in e["strs"].values():
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e["id"])) and e["id_plural"] is None:
                problems.append(f"placeholders differ: {e['id']} -> {text}")
    assert problems == []


def test_english_translations_are_english(entries):
    """A msgstr that still carries Chinese is a half-translation. Allowed: the language's own name, and the
    literal values an Excel cell must hold (是/否, the 数据 sheet, the 2024年3月1日 date form, 无, 汉族)."""
    literal = re.compile(r"简体中文|是|否|“?数据”?|2024年3月1日|无|汉族")
    leftovers = [(e["id"], s) for e in entries[1:] for s in e["strs"].values() if CJK.search(literal.sub("", s))]
    assert leftovers == []


def test_committed_mo_matches_the_po(entries, tmp_path):
    """The .mo is committed (a fresh `make run` may have no gettext) and must not be stale."""
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == po_catalog(entries), "locale/en/LC_MESSAGES/django.mo is stale: run `make messages`"
    if shutil.which("msgfmt"):
        # GNU gettext's own check of the format strings, where it is installed.
        result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "check.mo"), str(PO)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


# --- pages --------------------------------------------------------------------------------------

def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def data_strings():
    """What users entered (names, ethnicity, notes) stays as entered; everything else must be English."""
    values = set()
    for o in Organization.objects.all():
        values |= {o.name, o.short_name}
    for p in Person.objects.all():
        values |= {p.name, p.ethnicity, p.title}
    values |= set(Unit.objects.values_list("name", flat=True))
    # Notes are data too, kept in the language they were written in (the audit trail never changes).
    values |= set(StatusChange.objects.values_list("note", flat=True))
    values |= set(Membership.objects.values_list("note", flat=True))
    values |= set(AuditEntry.objects.values_list("note", flat=True))
    values |= set(AuditEntry.objects.values_list("object_repr", flat=True))
    values.add("简体中文")  # the language switcher names each language in itself
    return sorted((v for v in values if v), key=len, reverse=True)


def untranslated(html):
    """Chinese left in the page once data is taken out, with some context for the failure message."""
    text = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    for value in data_strings():
        text = text.replace(value, "")
    return [text[max(m.start() - 40, 0):m.end() + 40] for m in CJK.finditer(text)]


def test_default_language_is_chinese(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "用户名" in html and "登录" in html and "Username" not in html


def test_login_page_in_english(client, db):
    html = english(client).get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    for text in ("Log in", "Username", "Password", "Qiangji · Party-building work management platform"):
        assert text in html
    assert untranslated(html) == []


def test_setlang_switches_to_english(client, db):
    """The switcher in base.html posts here; Django stores the choice in the language cookie."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/accounts/login/").content.decode()
    assert "Username" in html and "用户名" not in html


def test_home_and_organisation_pages_in_english(client, login, users):
    login(users.org_admin)
    english(client)
    html = client.get("/").content.decode()
    for text in ("Welcome to Qiangji", "Organisations in my scope", "Party branches", "Election reminders",
                 "Organisations", "People", "Memberships", "Change password", "Log out"):
        assert text in html
    assert untranslated(html) == []

    html = client.get("/orgs/").content.decode()
    for text in ("Name / code", "Composition", "Not dissolved", "Export to Excel", "Party committee", "Party branch",
                 "Filter", "Kind", "Teacher"):
        assert text in html
    assert "甲学院教工第一党支部" in html  # data stays Chinese
    for chinese in ("名称/代码", "筛选", "导出 Excel", "党组织"):
        assert chinese not in html
    assert untranslated(html) == []

    ca = users.ca
    html = client.get(f"/orgs/{ca.pk}/").content.decode()
    for text in ("Overview", "Subordinate organisations", "Members", "Committee and terms", "History",
                 "Organisation code", "Parent organisation", "Organisations in subtree", "Dissolve", "Move"):
        assert text in html
    assert "甲学院党委" in html and "校党委" in html
    assert untranslated(html) == []
    for tab, text in (("children", "Subordinates"), ("members", "On the rolls on"),
                      ("committee", "No terms recorded yet"), ("history", "Actor")):
        html = client.get(f"/orgs/{ca.pk}/?tab={tab}").content.decode()
        assert text in html, tab
        assert untranslated(html) == [], tab


def test_people_pages_in_english(client, login, users):
    login(users.org_admin)
    english(client)
    html = client.get("/members/").content.decode()
    for text in ("Name / pinyin", "Organisation (with subordinates)", "Party status", "Members (full + probationary)",
                 "Probationary member", "Cadre level", "ID number", "Mobile", "Full member", "Male", "Teacher",
                 "3 records", "Add", "Import"):
        assert text in html
    assert "张嘉恒" in html
    for chinese in ("姓名/拼音", "政治面貌", "正式党员", "身份证号", "共 3 条"):
        assert chinese not in html
    assert untranslated(html) == []

    zhang = users.zhang
    html = client.get(f"/members/{zhang.pk}/").content.decode()
    for text in ("Gender / ethnicity", "Date of birth", "Cadre level", "Transfer", "Status change", "Seats",
                 "Full member", "None"):
        assert text in html
    assert "张嘉恒" in html and "汉族" in html
    assert untranslated(html) == []
    for tab in ("memberships", "statuses", "seats", "history"):
        html = client.get(f"/members/{zhang.pk}/?tab={tab}").content.decode()
        assert untranslated(html) == [], tab


def test_administration_and_action_pages_in_english(client, login, users):
    pages = [(users.sys_admin, ["/accounts/users/", "/accounts/users/add/", "/orgs/units/", "/orgs/rules/add/"]),
             (users.sec_admin, ["/accounts/assignments/"]),
             (users.audit_admin, ["/audit/"]),
             (users.org_admin, ["/members/memberships/", f"/members/{users.zhang.pk}/transfer/",
                                f"/members/{users.zhang.pk}/status/", f"/orgs/{users.ca.pk}/move/",
                                f"/orgs/{users.ca_b1.pk}/terms/add/", "/orgs/999999/"])]
    found = {}
    for user, urls in pages:
        client.logout()
        login(user)
        english(client)
        for url in urls:
            leftovers = untranslated(client.get(url).content.decode())
            if leftovers:
                found[url] = leftovers[:3]
    assert found == {}
    html = client.get("/orgs/999999/").content.decode()
    assert "Record not found" in html and "outside what you may see" in html


def test_form_errors_in_english(client, login, users):
    login(users.org_admin)
    english(client)
    response = client.post("/members/add/", {"name": "孙悦", "id_number": "123", "category": "teacher",
                                              "cadre_level": "none", "party_status": "activist",
                                              "organization": str(users.ca_b1.pk)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "An ID number has 18 characters: 17 digits, then a digit or X" in html
    assert "Add Person" in html and "Joined / registered on" in html
    assert "身份证号应为18位" not in html
    assert untranslated(html.replace("孙悦", "")) == []


def test_import_upload_page_in_english(client, login, users):
    login(users.org_admin)
    english(client)
    html = client.get("/imports/people/").content.decode()
    for text in ("Import People", "Download the import template", "Upload and preview", "Allowed values",
                 "Text, at most 50 characters", "Required", "Optional", "No imports yet", "Excel file (.xlsx)"):
        assert text in html
    for chinese in ("下载导入模板", "上传并预览", "可填写的值", "必填", "暂无导入记录"):
        assert chinese not in html


def test_api_errors_follow_the_language_cookie(client, login, users):
    login(users.org_admin)
    # The browser's Accept-Language is not consulted (core.middleware.LanguageMiddleware): Chinese by default.
    assert client.get("/api/organizations/999999/", HTTP_ACCEPT_LANGUAGE="en").json() == {"detail": "未找到该记录"}
    response = english(client).get("/api/organizations/999999/")
    assert response.status_code == 404 and response.json() == {"detail": "Record not found"}


def test_service_error_in_english(users):
    with translation.override("en"), pytest.raises(BusinessRuleError) as refused:
        org_services.move_organization(users.org_admin, users.ca, users.ca_b1)
    assert refused.value.message == ("An organisation cannot be moved under itself or one of its subordinate "
                                     "organisations")
    with pytest.raises(BusinessRuleError) as refused:
        org_services.move_organization(users.org_admin, users.ca, users.ca_b1)
    assert refused.value.message == "不能把组织移动到它自己或它的下级组织之下"
    with translation.override("en"), pytest.raises(BusinessRuleError) as refused:
        org_services.dissolve_organization(users.org_admin, users.ca, date(2999, 1, 1))
    assert "after today" in refused.value.message


# --- templates ----------------------------------------------------------------------------------

STRIP = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"\{%\s*trans(?:late)?\s+(\"[^\"]*\"|'[^']*')[^%]*%\}"),
    re.compile(r"\b_\((\"[^\"]*\"|'[^']*')\)"),  # _("…") in a filter argument or tag
]


def untranslated_template_text(source):
    """Lines of a template that still show Chinese after translated text and comments are taken out.
    Chinese in literal text, attribute values (aria-label, title, placeholder) or filter arguments
    (default:"…") all count; each stripped span keeps its newlines so line numbers stay right."""
    for pattern in STRIP:
        source = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    return [(n, line.strip()) for n, line in enumerate(source.splitlines(), 1) if CJK.search(line)]


def test_templates_have_no_untranslated_chinese():
    found = {}
    for folder in TEMPLATE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.html")):
            lines = untranslated_template_text(path.read_text(encoding="utf-8"))
            if lines:
                found[str(path.relative_to(ROOT))] = lines
    assert found == {}


def test_template_scan_catches_what_it_should():
    bad = ['<p>党组织</p>', '<button aria-label="展开">', '{{ x|default:"在任" }}', '<input placeholder="姓名">',
           '{% translate "甲" %}乙']
    good = ['{% translate "党组织" %}', '{% blocktranslate with n=x %}第{{ n }}届{% endblocktranslate %}',
            '{{ x|default:_("在任") }}', '{% comment %}说明{% endcomment %}', '{# 注释 #}',
            '<nav aria-label="{% translate \'组织路径\' %}">', '{% translate "；" context "list separator" as sep %}']
    assert [b for b in bad if not untranslated_template_text(b)] == []
    assert [g for g in good if untranslated_template_text(g)] == []
