"""A tiny, valid district written by hand, so loader tests do not depend on the demo generator.

`district()` returns the rows of every contract table (text exactly as a federation would type it);
`write_district()` writes them as contract files. Tests copy the rows, break one value, write, load,
and compare with expectations worked out by hand from the rows below.

Persons (birth dates are inside the ID numbers; check digits computed by data.idnumber.make):
  P001 男 1950-03-15 持证 肢体 1级      P002 女 1985-07-01 持证 精神 2级
  P003 男 2019-05-20 评定表 (no category/grade)   P004 女 1970-12-31 持证 视力 3级
  P005 男 1960-01-01 持证 智力 4级 (no ID number)  P006 女 2000-02-29 疑似
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from contract import idnumber

REGION = "330106"


def _id(born: str, seq: str) -> str:
    return idnumber.make(REGION, dt.date.fromisoformat(born), seq)


def district() -> dict[str, list[dict[str, str]]]:
    """Rows of a small valid district, per table, as lists of {column: text}."""
    persons = [
        dict(person_id="P001", id_number=_id("1950-03-15", "011"), name="张三", sex="男", birth_date="1950-03-15",
             town="东城街道", village="一村", hukou="城镇", cert_status="持证", category="肢体", grade="1",
             cert_date="2015-06-01", nursing_level="1"),
        dict(person_id="P002", id_number=_id("1985-07-01", "022"), name="李四娘", sex="女", birth_date="1985-07-01",
             town="东城街道", village="二村", hukou="农村", cert_status="持证", category="精神", grade="2",
             cert_date="2018-01-10", nursing_level=""),
        dict(person_id="P003", id_number=_id("2019-05-20", "033"), name="王五", sex="男", birth_date="2019-05-20",
             town="西湖镇", village="三村", hukou="农村", cert_status="评定表", category="", grade="",
             cert_date="", nursing_level=""),
        dict(person_id="P004", id_number=_id("1970-12-31", "044"), name="赵六", sex="女", birth_date="1970-12-31",
             town="西湖镇", village="三村", hukou="城镇", cert_status="持证", category="视力", grade="3",
             cert_date="2010-03-03", nursing_level="2"),
        dict(person_id="P005", id_number="", name="孙七", sex="男", birth_date="1960-01-01",
             town="西湖镇", village="四村", hukou="", cert_status="持证", category="智力", grade="4",
             cert_date="", nursing_level=""),
        dict(person_id="P006", id_number=_id("2000-02-29", "066"), name="欧阳娜娜", sex="女", birth_date="2000-02-29",
             town="东城街道", village="一村", hukou="城镇", cert_status="疑似", category="", grade="",
             cert_date="", nursing_level=""),
    ]
    return {
        "parameters": [
            dict(year="2019", dibao_standard="900"),
            dict(year="2020", dibao_standard="950"),
            dict(year="2021", dibao_standard="1000.50"),
        ],
        "programs": [
            dict(program_id="LS", name="困难残疾人生活补贴", name_en="Living subsidy", group="两项补贴",
                 cycle="monthly",
                 rule="living_subsidy", trips_before="2", trips_after="0", materials_before="3", materials_after="0",
                 reform_date="2020-01-01"),
            dict(program_id="NS", name="重度残疾人护理补贴", name_en="Nursing subsidy", group="两项补贴",
                 cycle="monthly",
                 rule="nursing_subsidy", trips_before="2", trips_after="1", materials_before="3", materials_after="1",
                 reform_date="2020-01-01"),
            dict(program_id="RH", name="肢体康复训练", name_en="Limb rehab", group="康复", cycle="annual",
                 rule="", trips_before="1", trips_after="1", materials_before="2", materials_after="2", reform_date=""),
            dict(program_id="AD", name="辅具适配", name_en="", group="辅具", cycle="per_claim",
                 rule="", trips_before="1", trips_after="0", materials_before="1", materials_after="0", reform_date=""),
        ],
        "program_tiers": [
            dict(program_id="NS", tier="1", amount="135", condition="三级智力"),
            dict(program_id="NS", tier="2", amount="270", condition="一级"),
            dict(program_id="RH", tier="1", amount="6000", condition="普通"),
            dict(program_id="RH", tier="2", amount="10000", condition="重度"),
        ],
        "persons": persons,
        "status_events": [
            dict(person_id="P001", event="dibao_start", event_date="2018-05-01", value="", source="民政"),
            dict(person_id="P002", event="dibian_start", event_date="2019-02-11", value="", source="民政"),
            dict(person_id="P004", event="death", event_date="2020-08-20", value="", source="公安"),
        ],
        "applications": [
            dict(application_id="A1", person_id="P001", program_id="LS", submitted_date="2019-12-02",
                 decided_date="2019-12-10", decision="approved", first_paid_date="2020-01-15", channel="online",
                 trips="0", materials="0"),
            dict(application_id="A2", person_id="P001", program_id="NS", submitted_date="2019-03-04",
                 decided_date="2019-03-20", decision="approved", first_paid_date="2019-04-15", channel="window",
                 trips="2", materials="3"),
            dict(application_id="A3", person_id="P002", program_id="LS", submitted_date="2020-02-03",
                 decided_date="", decision="pending", first_paid_date="", channel="proxy", trips="", materials=""),
            dict(application_id="A4", person_id="P004", program_id="RH", submitted_date="2020-03-02",
                 decided_date="2020-03-09", decision="approved", first_paid_date="2020-04-10", channel="window",
                 trips="1", materials="2"),
        ],
        "payments": [
            dict(payment_id="Y01", person_id="P001", program_id="LS", application_id="A1", period="2020-01",
                 paid_date="2020-01-15", amount="285", tier="", route="direct"),
            dict(payment_id="Y02", person_id="P001", program_id="LS", application_id="A1", period="2020-02",
                 paid_date="2020-02-14", amount="285", tier="", route="direct"),
            dict(payment_id="Y03", person_id="P001", program_id="LS", application_id="A1", period="2020-03",
                 paid_date="2020-03-13", amount="285.00", tier="", route="direct"),
            dict(payment_id="Y04", person_id="P001", program_id="NS", application_id="A2", period="2020-01",
                 paid_date="2020-01-20", amount="270", tier="2", route="via_town"),
            dict(payment_id="Y05", person_id="P001", program_id="NS", application_id="A2", period="2020-02",
                 paid_date="2020-02-20", amount="270", tier="2", route="via_town"),
            dict(payment_id="Y06", person_id="P004", program_id="RH", application_id="A4", period="2020-04",
                 paid_date="2020-04-10", amount="5999.5", tier="1", route="direct"),
            dict(payment_id="Y07", person_id="P004", program_id="NS", application_id="", period="2020-09",
                 paid_date="2020-09-18", amount="135", tier="1", route="via_town"),
            dict(payment_id="Y08", person_id="P005", program_id="AD", application_id="", period="2020-06",
                 paid_date="2020-06-30", amount="1200.25", tier="", route=""),
            dict(payment_id="Y09", person_id="P002", program_id="NS", application_id="", period="2021-01",
                 paid_date="2021-01-20", amount="270", tier="2", route="direct"),
            dict(payment_id="Y10", person_id="P002", program_id="NS", application_id="", period="2021-02",
                 paid_date="2021-02-19", amount="270", tier="2", route="direct"),
        ],
        "census": [
            dict(person_id="P001", survey_year="2020", survey_status="surveyed", survey_date="2020-06-01",
                 need_rehab="1", need_device="0", need_education="0", need_employment="0", need_care="1",
                 need_medical_insurance="0", income_per_capita="8000"),
            dict(person_id="P002", survey_year="2020", survey_status="not_reached", survey_date="",
                 need_rehab="", need_device="", need_education="", need_employment="", need_care="",
                 need_medical_insurance="", income_per_capita=""),
            dict(person_id="P004", survey_year="2020", survey_status="surveyed", survey_date="2020-05-12",
                 need_rehab="0", need_device="1", need_education="0", need_employment="0", need_care="0",
                 need_medical_insurance="1", income_per_capita="12000.5"),
            dict(person_id="P005", survey_year="2020", survey_status="refused", survey_date="",
                 need_rehab="", need_device="", need_education="", need_employment="", need_care="",
                 need_medical_insurance="", income_per_capita=""),
        ],
        "medication": [
            dict(person_id="P002", month="2020-01", prescribed="1", dispensed="1"),
            dict(person_id="P002", month="2020-02", prescribed="1", dispensed="0"),
            dict(person_id="P002", month="2020-03", prescribed="1", dispensed="1"),
        ],
    }


# Rows of the clean district per table, worked out from district() above (used as expectations).
CLEAN_COUNTS = {"parameters": 3, "programs": 4, "program_tiers": 4, "persons": 6, "status_events": 3,
                "applications": 4, "payments": 10, "census": 4, "medication": 3}


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8",
              header: dict[str, str] | None = None, columns: list[str] | None = None) -> Path:
    """Write rows as CSV; `header` renames columns (e.g. to Chinese), `columns` fixes their order."""
    columns = columns or list(rows[0].keys())
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([(header or {}).get(c, c) for c in columns])
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])
    return path


def write_district(folder: Path, tables: dict[str, list[dict[str, str]]] | None = None,
                   *, encoding: str = "utf-8") -> Path:
    """Write a district (default: the clean one) as `<table>.csv` files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or district()).items():
        if rows:
            write_csv(folder / f"{name}.csv", rows, encoding=encoding)
    return folder


# ---------------------------------------------------------------- hostile input (issue 9)
GUARDIAN, PAYEE = "王监护", "李收款"
PHONE, PHONE_IN_VILLAGE = "13812345678", "13912345678"
CARD, CARD_IN_AMOUNT = "6222021234567890123", "6217001234567890"
ADDRESS = "浙江省杭州市西湖区文三路100号5幢"


def hostile_district() -> tuple[dict, list[str]]:
    """The clean district with personal extra columns and two rows broken on purpose; also every
    secret it holds (what no reject, page or download may show unmasked).

    persons.csv   every row gets 监护人 (guardian), 联系电话 (phone), 银行卡号 (bank card), 残疾证号 (ID
                  number + category digit + grade digit, 20 characters) and 家庭住址 (address); P006
                  (row 7) has sex "X" and a phone typed into its village: rejected (enum)
    payments.csv  every row gets 收款人 (payee) and 收款账号 (account); Y03 (row 4) has a bank card typed
                  into its amount: rejected (money)
    Read 41, rejected 2 (one person, one payment), loaded 39."""
    d = district()
    secrets = [GUARDIAN, PAYEE, PHONE, PHONE_IN_VILLAGE, CARD, CARD_IN_AMOUNT, ADDRESS]
    for p in d["persons"]:
        cert = (p["id_number"] or "33010619600101001X") + "11"
        p.update({"监护人": GUARDIAN, "联系电话": PHONE, "银行卡号": CARD, "残疾证号": cert, "家庭住址": ADDRESS})
        secrets += [cert, p["id_number"]] if p["id_number"] else [cert]
    secrets += [p["name"] for p in d["persons"]]
    d["persons"][5]["sex"] = "X"                                   # P006, row 7
    d["persons"][5]["village"] = f"一村 {PHONE_IN_VILLAGE}"
    for p in d["payments"]:
        p.update({"收款人": PAYEE, "收款账号": CARD})
    d["payments"][2]["amount"] = CARD_IN_AMOUNT                    # Y03, row 4
    return d, secrets
