"""GB 11643-1999 resident ID numbers and mainland mobile numbers (RULES.md, Identity data)."""
import re
from datetime import date

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdentity(ValueError):
    pass


def check_char(first17):
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id_number(raw, today=None):
    """Return (normalised id, birth date, gender) or raise InvalidIdentity with a Chinese reason."""
    value = (raw or "").strip().upper()
    if not ID_RE.match(value):
        raise InvalidIdentity(_("身份证号应为18位，前17位为数字，最后一位为数字或X"))
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidIdentity(_("身份证号中的出生日期不是有效日期")) from exc
    if birth > (today or date.today()) or birth.year < 1900:
        raise InvalidIdentity(_("身份证号中的出生日期不合理"))
    if check_char(value[:17]) != value[17]:
        raise InvalidIdentity(_("身份证号校验位错误"))
    gender = "male" if int(value[16]) % 2 else "female"
    return value, birth, gender


def make_id_number(region, birth, sequence):
    """A checksum-valid number (for demo data and tests): region '440305', birth date, 3-digit sequence."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def normalise_mobile(raw):
    value = re.sub(r"[\s\-]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if value and not MOBILE_RE.match(value):
        raise InvalidIdentity(_("手机号码应为11位中国大陆手机号，以1开头、第二位为3至9"))
    return value


def mask_id_number(value):
    return f"{value[0]}{'*' * (len(value) - 2)}{value[-1]}" if value and len(value) > 2 else value


def mask_mobile(value):
    return f"{value[:3]}****{value[-4:]}" if value and len(value) == 11 else value
