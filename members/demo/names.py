"""Fictional Chinese names for the demo: our own surname and given-name lists, drawn with weights so
common surnames come up more often. Any resemblance to a real person is chance."""

# Roughly by frequency: the first group is drawn far more often than the last.
SURNAMES_COMMON = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
SURNAMES_USUAL = ("蒋蔡余杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎"
                  "史龙陶贺顾毛郝龚邵万钱严覃武莫孔汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷")
SURNAMES_RARE = ("詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
                 "蒙鲍华喻祁蒲房滕屈饶解艾尤阳时穆司卓古吉缪简车项连麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂")
SURNAMES_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容")

# Characters for given names; two-character names draw both from the same pool.
GIVEN_MALE = ("伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 帅 旭 宁 龙 林 阳 "
              "晨 瑞 博 文 志 海 峰 成 航 思 远 泽 睿 哲 然 轩 翔 毅 锋 彬 晖 昊 天 铭 嘉 恒 振 国 建 立 "
              "永 新 亮 清 达 安 春 德 胜 庆 宏 光 维 敏 金 栋 继 越 钧 卓 晟 骏 炜 晗 煜 霖 楠 岩 坤").split()
GIVEN_FEMALE = ("芳 娜 敏 静 丽 艳 娟 霞 秀 燕 玲 桂 丹 萍 红 琳 洁 婷 雪 慧 颖 倩 琴 晶 妍 茜 悦 欣 怡 "
                "佳 雯 瑶 璐 薇 蕾 梦 婧 露 岚 晴 莹 菲 月 蓉 媛 莉 云 真 环 凤 梅 兰 英 华 晓 思 雨 诗 "
                "涵 琪 萱 彤 可 蕊 宁 馨 婉 心 语 嘉 舒 雅 清 珊 瑾 钰 璇 昕 玥 妮 蓓 菁 曼 淑 秋 冰 春").split()


def surname(rng):
    roll = rng.random()
    if roll < 0.62:
        return rng.choice(SURNAMES_COMMON)
    if roll < 0.90:
        return rng.choice(SURNAMES_USUAL)
    if roll < 0.995:
        return rng.choice(SURNAMES_RARE)
    return rng.choice(SURNAMES_COMPOUND)


def given_name(rng, gender):
    pool = GIVEN_MALE if gender == "male" else GIVEN_FEMALE
    if rng.random() < 0.18:
        return rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first and rng.random() < 0.9:  # 婷婷 is a real name, but rare
        second = rng.choice(pool)
    return first + second


def full_name(rng, gender):
    """(full name, surname, given name)."""
    family = surname(rng)
    given = given_name(rng, gender)
    return family + given, family, given
