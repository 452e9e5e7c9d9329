"""Static catalogue of the demo district: programs, tiers, parameters, towns and name pools.

Private helper of `simulator.generate`. Everything here is plain data (no randomness, no I/O), so the
program list the dashboard shows is the same for every seed and every district size.

Program audiences (`Program.audience`) and tier pickers are used only by the simulator to decide who
takes part; they are not written to the contract files (the federation's own eligibility rules for the
two monthly subsidies live in `programs.rule`, evaluated by the views).
"""
from __future__ import annotations

from dataclasses import dataclass

YEARS = (2019, 2020, 2021)

# 低保 standard, yuan per month (a Zhejiang district; raised every July in reality, held per year
# here because the contract has one row per year). 30% of each rounds cleanly: 290 / 318 / 341.
DIBAO_STANDARD = {2019: 967, 2020: 1060, 2021: 1136}
LIVING_SHARE = 0.3


def living_amount(year: int) -> int:
    """Monthly living subsidy: 30% of the year's 低保 standard, whole yuan (METRICS.md)."""
    return int(round(LIVING_SHARE * DIBAO_STANDARD[year]))


@dataclass(frozen=True)
class Program:
    """One subsidy program and how the simulator uses it.

    audience: key of the simulator's take-up filter (see generate._audience)
    uptake: share of the audience served in a year without having stated a need in the census
    claims: (min, max) payments per yearly episode for per_claim programs
    use: (low, high) share of the tier cap actually claimed in a year (per_claim programs)
    """

    program_id: str
    name: str
    name_en: str
    group: str
    cycle: str
    rule: str
    trips_before: int
    trips_after: int
    materials_before: int
    materials_after: int
    reform_date: str
    tiers: tuple[tuple[float, str], ...]
    audience: str = ""
    uptake: float = 0.0
    claims: tuple[int, int] = (1, 1)
    use: tuple[float, float] = (1.0, 1.0)
    need_weight: float = 1.0
    first_year: int = 2019


# Nursing subsidy tiers by grade and nursing level (yuan per month); tier 6 is grade-3 智力/精神.
NURSING_TIERS = (
    (1010.0, "一级,护理等级一级(完全不能自理)"),
    (540.0, "一级,护理等级二级"),
    (405.0, "二级,护理等级一级"),
    (270.0, "一级护理等级三级;二级护理等级二级"),
    (200.0, "二级,护理等级三级"),
    (135.0, "三级智力、精神残疾"),
)

R = "2020-04-01"  # the district's main "最多跑一次" date; a few programs followed later in 2020

PROGRAMS: tuple[Program, ...] = (
    Program("XM01", "困难残疾人生活补贴", "Living subsidy for poor disabled people", "两项补贴", "monthly",
            "living_subsidy", 2, 0, 4, 0, R, ((318.0, "低保、低边家庭持证残疾人,按当年低保标准30%"),)),
    Program("XM02", "重度残疾人护理补贴", "Nursing subsidy for severely disabled people", "两项补贴", "monthly",
            "nursing_subsidy", 2, 1, 4, 2, R, NURSING_TIERS),
    # ---- 22 rehabilitation (康复) items
    Program("XM03", "肢体残疾康复训练补贴", "Limb rehabilitation training", "康复", "per_claim", "", 2, 1, 4, 0, R,
            ((6000.0, "成年三、四级"), (10000.0, "成年二级"), (18000.0, "成年一级"),
             (30000.0, "18周岁以下三、四级"), (36000.0, "18周岁以下一、二级")),
            "limb", 0.01, (2, 4), (0.2, 0.8), 1.0),
    Program("XM04", "脑瘫儿童康复训练补贴", "Cerebral palsy child rehabilitation", "康复", "per_claim", "",
            2, 1, 4, 2, R,
            ((12000.0, "6周岁以下持评定表"), (24000.0, "持证三、四级"), (30000.0, "持证一、二级")),
            "child_cp", 0.3, (2, 4), (0.3, 0.8), 3.0),
    Program("XM05", "孤独症儿童康复训练补贴", "Autism child rehabilitation", "康复", "per_claim", "", 2, 1, 4, 2, R,
            ((12000.0, "7周岁以下诊断证明"), (24000.0, "持证三、四级"), (36000.0, "持证一、二级")),
            "child_autism", 0.35, (2, 4), (0.3, 0.8), 3.0),
    Program("XM06", "智力残疾儿童康复训练补贴", "Intellectual disability child rehabilitation", "康复", "per_claim", "",
            2, 1, 4, 2, R, ((12000.0, "持评定表"), (24000.0, "持证")), "child_intellectual", 0.3, (2, 4), (0.3, 0.8),
            3.0),
    Program("XM07", "听力残疾儿童康复训练补贴", "Hearing-impaired child rehabilitation", "康复", "per_claim", "",
            2, 1, 4, 2, R, ((14000.0, "持评定表"), (28000.0, "持证")), "child_hearing", 0.3, (2, 4), (0.3, 0.8), 3.0),
    Program("XM08", "言语残疾儿童康复训练补贴", "Speech child rehabilitation", "康复", "per_claim", "", 2, 1, 4, 2, R,
            ((8000.0, "3周岁以下疑似言语残疾"), (16000.0, "持证")), "child_speech", 0.35, (2, 3), (0.3, 0.8), 3.0),
    Program("XM09", "运动障碍高危儿早期干预补贴", "Early intervention for infants at motor risk", "康复",
            "per_claim", "",
            2, 1, 3, 2, R, ((3000.0, "5月龄以内高危儿(单项)"), (6000.0, "5月龄以内高危儿(综合干预)")),
            "infant_motor", 0.85, (1, 3), (0.5, 1.0), 3.0),
    Program("XM10", "困难残疾儿童康复生活补贴", "Rehab living allowance for poor disabled children", "康复",
            "annual", "",
            2, 0, 3, 1, R, ((3000.0, "低边家庭"), (6000.0, "低保家庭")), "child_poor", 0.6, need_weight=1.0,
            first_year=2020),
    Program("XM11", "人工耳蜗植入术后康复补贴", "Cochlear implant follow-up rehabilitation", "康复", "per_claim", "",
            2, 1, 5, 3, R, ((8000.0, "单侧植入"), (15000.0, "双侧植入")), "child_hearing", 0.08, (1, 2), (0.5, 1.0),
            0.5),
    Program("XM12", "助听器验配补贴", "Hearing aid fitting", "康复", "per_claim", "", 2, 1, 3, 2, R,
            ((2000.0, "成年"), (5000.0, "18周岁以下")), "hearing", 0.05, (1, 1), (0.6, 1.0), 1.5),
    Program("XM13", "白内障复明手术补贴", "Cataract surgery", "康复", "per_claim", "", 2, 1, 3, 2, R,
            ((1000.0, "单眼"), (2000.0, "双眼")), "cataract", 0.03, (1, 1), (0.8, 1.0), 1.0),
    Program("XM14", "低视力康复补贴", "Low-vision rehabilitation", "康复", "per_claim", "", 2, 1, 3, 2, R,
            ((500.0, "三、四级"), (1000.0, "一、二级")), "vision", 0.05, (1, 1), (0.6, 1.0), 1.0),
    Program("XM15", "精神残疾人住院补助", "Psychiatric inpatient subsidy", "康复", "per_claim", "", 2, 1, 4, 2, R,
            ((3000.0, "一般"), (6000.0, "低边家庭"), (10000.0, "低保家庭")), "mental", 0.06, (1, 2), (0.4, 1.0), 1.0),
    Program("XM16", "精神残疾人服药补助", "Psychiatric medication subsidy", "康复", "annual", "", 3, 0, 3, 0, R,
            ((720.0, "一般精神残疾人(50%)"), (1440.0, "低保、低边家庭全额")), "mental", 0.7, need_weight=1.5),
    Program("XM17", "社区康复服务补贴", "Community rehabilitation service", "康复", "per_claim", "", 1, 1, 2, 1, R,
            ((600.0, "三、四级"), (1200.0, "一、二级")), "certified", 0.03, (1, 2), (0.6, 1.0), 3.0),
    Program("XM18", "脊髓损伤康复补贴", "Spinal cord injury rehabilitation", "康复", "per_claim", "", 2, 1, 3, 2, R,
            ((3000.0, "二级"), (6000.0, "一级")), "spinal", 0.04, (1, 2), (0.5, 1.0), 1.0),
    Program("XM19", "精神智力残疾人工疗康复补贴", "Work-therapy workshop rehabilitation", "康复", "per_claim", "",
            2, 1, 3, 1, "2020-06-01", ((1800.0, "半日"), (3600.0, "全日")), "work_therapy", 0.25, (2, 4), (0.6, 1.0),
            1.0),
    Program("XM20", "成年智力残疾人康复训练补贴", "Adult intellectual rehabilitation", "康复", "per_claim", "",
            2, 1, 3, 2, R, ((2000.0, "三、四级"), (4000.0, "一、二级")), "adult_intellectual", 0.04, (1, 2),
            (0.5, 1.0), 1.0),
    Program("XM21", "康复训练交通补贴", "Rehabilitation transport allowance", "康复", "annual", "", 1, 0, 2, 1, R,
            ((1200.0, "一般"), (2400.0, "低保、低边家庭")), "child_any", 0.35, need_weight=0.5),
    Program("XM22", "居家康复服务补贴", "Home rehabilitation service", "康复", "per_claim", "", 2, 1, 3, 1, R,
            ((800.0, "二级"), (1500.0, "一级"), (2400.0, "一级且护理等级一级")), "severe_adult", 0.04, (1, 2),
            (0.6, 1.0), 1.5),
    Program("XM23", "康复医疗费用补助", "Rehabilitation medical costs", "康复", "per_claim", "", 2, 1, 4, 0, R,
            ((1000.0, "四级"), (2000.0, "三级"), (3000.0, "二级"), (5000.0, "一级")), "certified", 0.03, (1, 2),
            (0.3, 0.8), 1.0),
    Program("XM24", "盲人定向行走训练补贴", "Orientation and mobility training for the blind", "康复", "per_claim", "",
            2, 1, 3, 2, R, ((1500.0, "二级"), (3000.0, "一级")), "blind", 0.05, (1, 1), (0.6, 1.0), 0.5),
    # ---- assistive devices, insurance and medical, education, employment, care
    Program("XM25", "辅助器具适配补贴", "Assistive devices", "辅具", "per_claim", "", 2, 1, 4, 2, R,
            ((500.0, "一般辅具"), (2000.0, "轮椅、助行器等"), (5000.0, "假肢、矫形器")), "certified", 0.03, (1, 2),
            (0.5, 1.0)),
    Program("XM26", "城乡居民医保参保补助", "Resident medical insurance premium subsidy", "保险医疗", "annual", "",
            1, 0, 3, 0, R, ((350.0, "一、二级重度残疾人半额"), (700.0, "低保、低边家庭全额")), "med_insurance", 0.75),
    Program("XM27", "家庭医生签约服务补助", "Family doctor contract subsidy", "保险医疗", "annual", "", 1, 0, 2, 0, R,
            ((60.0, "一般持证残疾人"), (120.0, "低保、低边家庭全额")), "certified", 0.06),
    Program("XM28", "残疾学生教育资助", "Education grant for disabled students", "教育", "annual", "", 2, 1, 4, 2, R,
            ((1000.0, "学前"), (2000.0, "义务教育、高中"), (5000.0, "大学")), "student", 0.15),
    Program("XM29", "残疾人及残疾人子女大学入学补助", "University entry grant", "教育", "annual", "", 2, 1, 4, 2, R,
            ((3000.0, "专科"), (5000.0, "本科及以上")), "university", 0.02),
    Program("XM30", "个体工商户养老保险补助", "Pension insurance subsidy for the self-employed", "就业", "annual", "",
            2, 0, 3, 0, "2020-05-01", ((1500.0, "灵活就业"), (3000.0, "个体工商户")), "working_age", 0.015),
    Program("XM31", "残疾人就业创业补贴", "Employment and start-up subsidy", "就业", "per_claim", "", 2, 1, 4, 2,
            "2020-05-01", ((2000.0, "就业"), (5000.0, "创业")), "working_age", 0.01, (1, 1), (0.8, 1.0)),
    Program("XM32", "残疾人托养服务补贴", "Residential and home care (托养)", "其他", "per_claim", "", 2, 1, 4, 2,
            "2020-07-01", ((3000.0, "居家托养"), (6000.0, "日间托养"), (9600.0, "寄宿托养")), "care", 0.02, (1, 3),
            (0.6, 1.0)),
    Program("XM33", "残疾人日间照料补贴", "Day care (日间照料)", "其他", "per_claim", "", 2, 1, 3, 1, "2020-07-01",
            ((1200.0, "半日"), (2400.0, "全日")), "care", 0.04, (1, 3), (0.6, 1.0)),
)

# Town (镇街) names with relative population weights; 街道 are urban, 镇 mostly rural.
TOWNS = (
    ("城东街道", 1.3), ("城西街道", 1.2), ("城南街道", 1.0), ("城北街道", 1.1), ("江滨街道", 0.9),
    ("新城街道", 0.8), ("临江镇", 1.2), ("青山镇", 1.0), ("白沙镇", 0.8), ("石桥镇", 0.9),
    ("梅林镇", 0.7), ("龙泉镇", 0.9),
)
# Syllables combined into village / community names (two characters + 村 or 社区).
VILLAGE_SYLLABLES = "东西南北新华桃源柳溪竹林山湖江河塘桥湾岭坞埠泉石花园金银凤凰龙安平和兴隆永宁丰乐长春"

# 6-digit region codes (330100 = Hangzhou); most residents were born in the district itself.
REGION_CODES = ("330110", "330110", "330110", "330110", "330102", "330105", "330106", "330108", "330122")
# Neighbouring codes for a province-sized register: a person whose (region, birth date, sex) already
# holds the 500 sequence numbers of GB 11643 is given the next of these (simulator.people.identities).
OVERFLOW_REGION_CODES = ("330109", "330111", "330112", "330113", "330114", "330127", "330182", "330183")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞"
    "彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆"
    "磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎"
    "德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
GIVEN_FEMALE = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛"
    "艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉"
    "君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫"
    "芸菲寒伊亚宜可姬舒影荔枝思丽"
)
