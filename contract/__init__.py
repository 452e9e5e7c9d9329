"""The ground floor: the data contract (DATA_CONTRACT.md) as data, imported by every other layer,
importing none of them (only the standard library, DuckDB, and pandas for the spreadsheet writer).

- this module: every contract table, its columns, their Chinese header aliases, types, whether they
  are required, and the accepted values (Chinese or alternative spellings mapped to the canonical code
  stored in DuckDB); `create_table_sql` makes the typed tables;
- `contract.paths`: where the database and the demo files live;
- `contract.masking` (+ masking.sql): the one masking rule for ID numbers and names;
- `contract.idnumber`: GB 11643 ID numbers (check character, embedded birth date);
- `contract.sheets`: every workbook and CSV the product writes keeps loaded text as text (never a
  formula or a link): `excel_writer`, `formula_safe`, `quote_formula_text`.
The loader validates against this, the demo simulator writes files with these headers, the views and
the dashboard read the same codes and mask with the same macros.

Canonical stored values
- sex: 男 / 女;  cert_status: 持证 / 评定表 / 疑似;  category: 视力 … 多重 (Chinese name);
  hukou: 城镇 / 农村;  program group: 两项补贴 / 康复 / 教育 / 辅具 / 保险医疗 / 就业 / 其他
- decision: approved / rejected / pending;  channel: online / window / proxy;  route: direct / via_town
- survey_status: surveyed / not_reached / refused / moved / deceased;  cycle: monthly / annual / per_claim
- months (payments.period, medication.month) are stored as the DATE of the month's first day.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The order matters: a table is loaded after the tables its references point to.
TABLE_ORDER = (
    "parameters",
    "programs",
    "program_tiers",
    "persons",
    "status_events",
    "applications",
    "payments",
    "census",
    "medication",
)
OPTIONAL_TABLES = frozenset({"medication"})

CATEGORIES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")
PROGRAM_GROUPS = ("两项补贴", "康复", "教育", "辅具", "保险医疗", "就业", "其他")
EVENTS = (
    "dibao_start", "dibao_end", "dibian_start", "dibian_end", "death",
    "cert_issued", "cert_revoked", "grade_change", "moved_out",
)


@dataclass(frozen=True)
class Column:
    """One contract column.

    kind: text | int | money | date | month | flag (0/1) | enum
    values: for enum, accepted spelling -> canonical stored value
    refs: (table, column) this column must match when present
    """

    name: str
    zh: str
    kind: str = "text"
    required: bool = False
    values: dict[str, object] | None = None
    refs: tuple[str, str] | None = None
    min_value: float | None = None
    unique: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One contract table: its columns and its composite unique key, if any."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    unique_together: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """The column called `name` (KeyError if the contract has none)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _same(*codes: object) -> dict[str, object]:
    return {str(c): c for c in codes}


SEX = {"男": "男", "女": "女", "M": "男", "F": "女", "m": "男", "f": "女", "male": "男", "female": "女"}
CERT_STATUS = _same("持证", "评定表", "疑似")
CATEGORY = {**_same(*CATEGORIES), **{str(i + 1): name for i, name in enumerate(CATEGORIES)}}
GRADE = {"1": 1, "2": 2, "3": 3, "4": 4, "一级": 1, "二级": 2, "三级": 3, "四级": 4, "一": 1, "二": 2, "三": 3, "四": 4}
NURSING = {"1": 1, "2": 2, "3": 3}
HUKOU = _same("城镇", "农村")
GROUP = _same(*PROGRAM_GROUPS)
CYCLE = {**_same("monthly", "annual", "per_claim"), "按月": "monthly", "按年": "annual", "按次": "per_claim"}
DECISION = {**_same("approved", "rejected", "pending"),
            "已批准": "approved", "不予批准": "rejected", "审核中": "pending"}
CHANNEL = {**_same("online", "window", "proxy"), "线上": "online", "窗口": "window", "代办": "proxy"}
ROUTE = {**_same("direct", "via_town"), "直接到账": "direct", "镇街转发": "via_town"}
SURVEY = {
    **_same("surveyed", "not_reached", "refused", "moved", "deceased"),
    "已调查": "surveyed", "未联系上": "not_reached", "拒绝": "refused", "迁出": "moved", "死亡": "deceased",
}
EVENT = _same(*EVENTS)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("parameters", "参数", (
            Column("year", "年度", "int", required=True, unique=True),
            Column("dibao_standard", "低保标准", "money", required=True, min_value=0),
        )),
        Table("programs", "补贴项目", (
            Column("program_id", "项目编号", required=True, unique=True),
            Column("name", "项目名称", required=True),
            Column("name_en", "英文名称"),
            Column("group", "类别", "enum", required=True, values=GROUP),
            Column("cycle", "发放周期", "enum", required=True, values=CYCLE),
            Column("rule", "资格规则"),
            Column("trips_before", "改革前跑次", "int", required=True, min_value=0),
            Column("trips_after", "改革后跑次", "int", required=True, min_value=0),
            Column("materials_before", "改革前材料数", "int", required=True, min_value=0),
            Column("materials_after", "改革后材料数", "int", required=True, min_value=0),
            Column("reform_date", "改革日期", "date"),
        )),
        Table("program_tiers", "补贴档次", (
            Column("program_id", "项目编号", required=True, refs=("programs", "program_id")),
            Column("tier", "档次", "int", required=True, min_value=1),
            Column("amount", "标准", "money", required=True, min_value=0),
            Column("condition", "条件"),
        ), unique_together=("program_id", "tier")),
        Table("persons", "人员名册", (
            Column("person_id", "人员编号", required=True, unique=True),
            Column("id_number", "身份证号"),
            Column("name", "姓名"),
            Column("sex", "性别", "enum", required=True, values=SEX),
            Column("birth_date", "出生日期", "date", required=True),
            Column("town", "镇街", required=True),
            Column("village", "村社区"),
            Column("hukou", "户籍性质", "enum", values=HUKOU),
            Column("cert_status", "持证状态", "enum", required=True, values=CERT_STATUS),
            Column("category", "残疾类别", "enum", values=CATEGORY),
            Column("grade", "残疾等级", "enum", values=GRADE),
            Column("cert_date", "发证日期", "date"),
            Column("nursing_level", "护理等级", "enum", values=NURSING),
        )),
        Table("status_events", "状态变更", (
            Column("person_id", "人员编号", required=True, refs=("persons", "person_id")),
            Column("event", "事件", "enum", required=True, values=EVENT),
            Column("event_date", "日期", "date", required=True),
            Column("value", "值"),
            Column("source", "来源"),
        )),
        Table("applications", "申请", (
            Column("application_id", "申请编号", required=True, unique=True),
            Column("person_id", "人员编号", required=True, refs=("persons", "person_id")),
            Column("program_id", "项目编号", required=True, refs=("programs", "program_id")),
            Column("submitted_date", "申请日期", "date", required=True),
            Column("decided_date", "审批日期", "date"),
            Column("decision", "审批结果", "enum", required=True, values=DECISION),
            Column("first_paid_date", "首次发放日期", "date"),
            Column("channel", "渠道", "enum", values=CHANNEL),
            Column("trips", "跑次", "int", min_value=0),
            Column("materials", "材料数", "int", min_value=0),
        )),
        Table("payments", "发放明细", (
            Column("payment_id", "发放编号", required=True, unique=True),
            Column("person_id", "人员编号", required=True, refs=("persons", "person_id")),
            Column("program_id", "项目编号", required=True, refs=("programs", "program_id")),
            Column("application_id", "申请编号", refs=("applications", "application_id")),
            Column("period", "所属期", "month", required=True),
            Column("paid_date", "发放日期", "date", required=True),
            Column("amount", "金额", "money", required=True),
            Column("tier", "档次", "int", min_value=1),
            Column("route", "发放方式", "enum", values=ROUTE),
        )),
        Table("census", "动态更新", (
            Column("person_id", "人员编号", required=True, refs=("persons", "person_id")),
            Column("survey_year", "年度", "int", required=True),
            Column("survey_status", "调查状态", "enum", required=True, values=SURVEY),
            Column("survey_date", "调查日期", "date"),
            Column("need_rehab", "康复需求", "flag"),
            Column("need_device", "辅具需求", "flag"),
            Column("need_education", "教育需求", "flag"),
            Column("need_employment", "就业需求", "flag"),
            Column("need_care", "照料需求", "flag"),
            Column("need_medical_insurance", "医保需求", "flag"),
            Column("income_per_capita", "家庭人均收入", "money", min_value=0),
        ), unique_together=("person_id", "survey_year")),
        Table("medication", "服药监测", (
            Column("person_id", "人员编号", required=True, refs=("persons", "person_id")),
            Column("month", "月份", "month", required=True),
            Column("prescribed", "应服", "flag", required=True),
            Column("dispensed", "已取药", "flag", required=True),
        ), unique_together=("person_id", "month")),
    )
}

# Stated needs and the program group that meets them (DATA_CONTRACT.md, census).
NEED_GROUP = {
    "need_rehab": "康复",
    "need_device": "辅具",
    "need_education": "教育",
    "need_employment": "就业",
    "need_care": "其他",
    "need_medical_insurance": "保险医疗",
}

_SQL_TYPES = {"text": "VARCHAR", "int": "INTEGER", "money": "DECIMAL(14,2)", "date": "DATE",
              "month": "DATE", "flag": "TINYINT"}


def sql_type(col: Column) -> str:
    """DuckDB type of a loaded column (enums store their canonical value's type)."""
    if col.kind == "enum":
        sample = next(iter(col.values.values()))
        return "INTEGER" if isinstance(sample, int) else "VARCHAR"
    return _SQL_TYPES[col.kind]


def create_table_sql(table: Table) -> str:
    """`create table` statement for a contract table (column names exactly as in the contract)."""
    cols = ",\n  ".join(f'"{c.name}" {sql_type(c)}' for c in table.columns)
    return f"create table {table.name} (\n  {cols}\n)"
