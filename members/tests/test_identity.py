from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from members.identity import (
    InvalidIdentity,
    check_char,
    make_id_number,
    mask_id_number,
    mask_mobile,
    normalise_mobile,
    parse_id_number,
)
from members.pinyin import name_keys

# The example number published with GB 11643 (its check character computed independently of our code).
KNOWN_VALID = ["11010519491231002X"]


@pytest.mark.parametrize("value", KNOWN_VALID)
def test_known_valid_numbers(value):
    assert parse_id_number(value)[0] == value


def test_lower_case_x_is_stored_upper_case():
    assert parse_id_number("11010519491231002x")[0] == "11010519491231002X"


@pytest.mark.parametrize("value, reason", [
    ("11010519491231002", "18位"),
    ("1101051949123100XX", "18位"),
    ("110105194912310021", "校验位"),
    ("110105194902300025", "出生日期不是有效日期"),
    (make_id_number("110105", date(2099, 1, 1), 1), "不合理"),
    (make_id_number("110105", date(1850, 1, 1), 1), "不合理"),
])
def test_invalid_numbers_are_explained(value, reason):
    with pytest.raises(InvalidIdentity, match=reason):
        parse_id_number(value)


def test_birth_date_and_gender_come_from_the_number():
    _v, birth, gender = parse_id_number("11010519491231002X")
    assert birth == date(1949, 12, 31) and gender == "female"  # sequence 002: even
    assert parse_id_number(make_id_number("440305", date(1990, 1, 2), 7))[2] == "male"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2008, 12, 31)), st.integers(0, 999))
def test_every_generated_number_round_trips(birth, seq):
    value = make_id_number("440305", birth, seq)
    parsed, parsed_birth, gender = parse_id_number(value)
    assert parsed == value and parsed_birth == birth
    assert gender == ("male" if seq % 2 else "female")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2008, 12, 31)), st.integers(0, 999),
       st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_breaks_the_checksum_or_the_date(birth, seq, pos, delta):
    value = make_id_number("440305", birth, seq)
    changed = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1:]
    if check_char(changed[:17]) == changed[17]:  # impossible for a single-digit change with these weights
        raise AssertionError(changed)
    with pytest.raises(InvalidIdentity):
        parse_id_number(changed)


@pytest.mark.parametrize("raw, expected", [
    ("138 1234 5678", "13812345678"), ("+86 138-1234-5678", "13812345678"), ("", ""),
    ("0086 19912345678", "19912345678"),
])
def test_mobile_normalised(raw, expected):
    assert normalise_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "abc", "010-12345678"])
def test_mobile_rejected(raw):
    with pytest.raises(InvalidIdentity, match="手机号码"):
        normalise_mobile(raw)


def test_masks():
    assert mask_id_number("11010519491231002X") == "1****************X"
    assert mask_mobile("13812345678") == "138****5678"


@pytest.mark.parametrize("name, initials, full", [
    ("张嘉恒", "zjh", "zhangjiaheng"),
    ("单雄信", "sxx", "shanxiongxin"),   # 单 as a surname reads shan
    ("曾国藩", "zgf", "zengguofan"),
    ("解缙", "xj", "xiejin"),
    ("尉迟恭", "ycg", "yuchigong"),      # compound surname
    ("乐嘉", "yj", "yuejia"),
])
def test_pinyin_keys_with_surname_overrides(name, initials, full):
    assert name_keys(name) == (initials, full)
