"""Names, ID numbers and mobile numbers for synthetic people, valid by the product's own rules
(members.identity: GB 11643 check character; mainland mobiles)."""
import random
from datetime import date

from members.identity import CHECK_CHARS, WEIGHTS
from members.pinyin import name_keys

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红梅琳晨宇浩然子轩欣"
         "怡思雨博文佳琪嘉俊凯鑫鹏飞婷雪慧颖丹宁")
# Six-digit administrative division codes (a few provinces' capitals and districts).
REGIONS = ("110101", "310104", "320102", "330106", "370102", "410105", "420106", "430102", "440305", "510107",
           "610113", "350102", "340104", "360102", "210102", "220102", "230102", "130102", "140105", "500103")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "186", "187", "188",
                   "189", "191", "198", "199")


# Given names: the single characters and a fixed set of pairs, so that a few tens of thousands of distinct
# names cover millions of people and pypinyin (slow) runs once a name.
_pairs = random.Random(0)
GIVEN_NAMES = tuple(GIVEN) + tuple(_pairs.choice(GIVEN) + _pairs.choice(GIVEN) for _ in range(400))


# The check character is a weighted digit sum (members.identity): the region's and the birth date's parts of
# it are added once per region and per day, not digit by digit for each of millions of people.
_REGION_SUMS = tuple(sum(int(d) * w for d, w in zip(r, WEIGHTS[:6], strict=True)) for r in REGIONS)
_SEQ_WEIGHTS = WEIGHTS[14:17]


class Identities:
    """Hands out unique, checksum-valid ID numbers: (region, birth date, sex) keeps a counter, and the
    sequence's last digit is odd for men and even for women, as the standard says."""

    def __init__(self, rng):
        self.rng = rng
        self.used = {}
        self._keys = {}
        self._days = {}  # birth ordinal -> (its eight digits, their part of the weighted sum)

    def id_number(self, birth, male):
        region = self.rng.randrange(len(REGIONS))
        ordinal = birth.toordinal()
        key = (ordinal * len(REGIONS) + region) * 2 + male  # an int: millions of keys stay small
        n = self.used.get(key, 0)
        if n >= 500:  # that day and region is full: try another region
            return self.id_number(birth, male)
        self.used[key] = n + 1
        day = self._days.get(ordinal)
        if day is None:
            digits = f"{birth:%Y%m%d}"
            day = self._days[ordinal] = (digits, sum(int(d) * w for d, w in zip(digits, WEIGHTS[6:14], strict=True)))
        seq = 2 * n + (1 if male else 0)
        a, b, c = _SEQ_WEIGHTS
        total = _REGION_SUMS[region] + day[1] + seq // 100 * a + seq // 10 % 10 * b + seq % 10 * c
        return f"{REGIONS[region]}{day[0]}{seq:03d}{CHECK_CHARS[total % 11]}"

    def name(self):
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        keys = self._keys.get(name)
        if keys is None:  # pypinyin is slow; names repeat a lot
            keys = self._keys[name] = name_keys(name)
        return name, keys[0], keys[1]

    def mobile(self):
        return f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(100_000_000):08d}"


def birth_between(rng, first_year, last_year):
    start = date(first_year, 1, 1).toordinal()
    return date.fromordinal(rng.randrange(start, date(last_year, 12, 31).toordinal() + 1))
