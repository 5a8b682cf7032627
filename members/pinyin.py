"""Pinyin keys for name search: initials (zjh finds 张嘉恒) and full pinyin (zhangjiaheng)."""
from pypinyin import lazy_pinyin

# Surnames whose reading differs from the character's common one. Compound surnames first.
SURNAME_READINGS = {
    "万俟": "mo qi", "尉迟": "yu chi", "长孙": "zhang sun", "澹台": "tan tai", "单于": "chan yu",
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "乐": "yue", "缪": "miao", "翟": "zhai", "覃": "qin", "种": "chong", "员": "yun",
    "黑": "he", "句": "gou", "繁": "po", "召": "shao", "秘": "bi", "折": "she", "宿": "su",
    "藏": "zang", "柏": "bai", "贲": "ben", "隗": "wei", "沈": "shen", "重": "chong", "阚": "kan",
    "过": "guo", "华": "hua", "纪": "ji", "任": "ren", "燕": "yan", "应": "ying", "尉": "yu",
}


def _split_surname(name):
    for length in (2, 1):
        head = name[:length]
        if len(name) > length and head in SURNAME_READINGS:
            return SURNAME_READINGS[head].split(), name[length:]
    return [], name


def name_keys(name):
    """(initials, full) in lower case, e.g. ('zjh', 'zhangjiaheng'); non-Chinese characters kept."""
    name = (name or "").strip()
    surname, rest = _split_surname(name)
    syllables = surname + [s for s in lazy_pinyin(rest, errors="default") if s.strip()]
    full = "".join(syllables).lower().replace(" ", "")
    initials = "".join(s[0] for s in syllables if s).lower()
    return initials, full


def search_key(text):
    return "".join((text or "").lower().split())
