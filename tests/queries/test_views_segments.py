"""int_person_segments and what is built on it, checked against the direct definition.

int_person_months and int_payments look a person's cert/低保/低边 state up in one state segment instead
of range-joining int_state_events three times (the cheap form on a large district). Here the direct
form — for every month and every payment, the int_state_events interval that contains it — is
computed independently on a small district with events piled into the same months, and must agree
row for row.
"""
from __future__ import annotations

from test_views import build, event, pay, person

EVENTS = [
    event("A", "dibao_start", "2019-11-20"), event("A", "dibao_end", "2020-03-05"),
    event("A", "dibian_start", "2020-03-05"), event("A", "dibian_end", "2020-08-31"),
    event("A", "cert_revoked", "2020-06-10"), event("A", "cert_issued", "2020-09-01"),
    event("B", "cert_issued", "2020-02-02"), event("B", "cert_revoked", "2020-02-20"),   # same month
    event("B", "dibao_start", "2020-02-02"), event("B", "death", "2020-10-15"),
    event("C", "dibao_start", "2020-01-01"), event("C", "dibao_end", "2020-01-01"),       # same day
    event("C", "moved_out", "2020-04-30"),
]
PERSONS = [person("A", cert_date="2015-05-05"), person("B", cert="持证"), person("C", cert="疑似", category=None),
           person("D", birth="2020-07-15")]
PAYMENTS = [pay(f"P{i}", pid, "LS", f"2020-{m:02d}", 300) for i, (pid, m) in enumerate(
    [("A", 1), ("A", 3), ("A", 4), ("A", 7), ("A", 9), ("A", 12), ("B", 2), ("B", 3), ("B", 11),
     ("C", 1), ("C", 2), ("D", 8), ("Z", 5)])]   # Z: a payment whose person is not in the register


def _state(alias, attr, month_expr):
    return f"""(select {alias}.{{col}} from int_state_events as {alias}
               where {alias}.person_id = x.person_id and {alias}.attribute = '{attr}'
                 and {month_expr} >= {alias}.effect_month and {month_expr} < {alias}.next_effect_month)"""


def test_segments_tile_time_without_gaps_or_overlaps(tmp_path):
    con = build(tmp_path, persons=PERSONS, status_events=EVENTS)
    rows = con.execute("""
        select person_id, from_month, to_month,
               lag(to_month) over (partition by person_id order by from_month) as previous_end
        from int_person_segments order by person_id, from_month""").fetchall()
    firsts = {}
    for pid, start, end, previous_end in rows:
        assert start < end
        assert previous_end is None or previous_end == start, (pid, start)
        firsts.setdefault(pid, start)
    assert set(firsts) == {"A", "B", "C", "D"}
    assert all(str(d) == "0001-01-01" for d in firsts.values())


def test_person_months_match_the_direct_definition(tmp_path):
    con = build(tmp_path, persons=PERSONS, status_events=EVENTS)
    cert = _state("c", "cert", "x.month")
    dibao = _state("b", "dibao", "x.month")
    dibian = _state("n", "dibian", "x.month")
    direct = con.execute(f"""
        select x.person_id, x.month,
               p.cert_status = '持证' and coalesce({cert.format(col='is_on')}, false) as cert_valid,
               coalesce({cert.format(col='deciding_event')} = 'cert_revoked'
                        and not {cert.format(col='is_on')}, false) as cert_revoked,
               coalesce({dibao.format(col='is_on')}, false) as dibao,
               coalesce({dibian.format(col='is_on')}, false) as dibian,
               d.death_month is null or x.month < d.death_month as alive,
               d.moved_out_month is not null and x.month >= d.moved_out_month as moved_out
        from (select d.person_id, m.month from int_person_dates as d
              inner join int_months as m on m.month >= d.first_month) as x
        inner join stg_persons as p using (person_id)
        inner join int_person_dates as d using (person_id)
        order by 1, 2""").fetchall()
    built = con.execute("""
        select person_id, month, cert_valid, cert_revoked, dibao, dibian, alive, moved_out
        from int_person_months order by 1, 2""").fetchall()
    assert len(direct) == 12 * 3 + 5          # A, B, C all year; D born 07-15 → Aug–Dec
    assert built == direct


def test_payment_flags_match_the_direct_definition(tmp_path):
    con = build(tmp_path, persons=PERSONS, status_events=EVENTS, payments=PAYMENTS)
    cert = _state("c", "cert", "x.period")
    dibao = _state("b", "dibao", "x.period")
    dibian = _state("n", "dibian", "x.period")
    direct = con.execute(f"""
        select x.payment_id,
               coalesce(d.death_month is not null and x.period >= d.death_month, false) as after_death,
               not (coalesce({dibao.format(col='is_on')}, false) or coalesce({dibian.format(col='is_on')}, false))
                   as after_dibao_end,
               coalesce({cert.format(col='deciding_event')} = 'cert_revoked'
                        and not {cert.format(col='is_on')}, false) as after_revocation
        from stg_payments as x
        left join int_person_dates as d using (person_id)
        order by 1""").fetchall()
    built = con.execute("""
        select payment_id, is_paid_after_death, is_paid_after_dibao_end, is_paid_after_revocation
        from int_payments order by 1""").fetchall()
    assert built == direct
    flags = {r[0]: r[1:] for r in built}     # (after death, outside 低保/低边, after revocation)
    # A: cert from 2015-06, revoked from July, re-issued from October; 低保 Dec 2019–Mar, 低边 Apr–Aug
    assert flags["P3"] == (False, False, True)     # A 2020-07: 低边, certificate revoked
    assert flags["P4"] == (False, True, True)      # A 2020-09: 低边 ended from September, still revoked
    assert flags["P5"] == (False, True, False)     # A 2020-12: re-issued, no household state
    # B: issued 02-02 and revoked 02-20 both take effect in March: the later (revocation) decides
    assert flags["P6"] == (False, True, False)     # B 2020-02: 低保 only from March
    assert flags["P7"] == (False, False, True)     # B 2020-03: 低保, revoked
    assert flags["P8"] == (True, False, True)      # B 2020-11: death 10-15 → dead from November
    # C: 低保 start and end on the same day: the end wins, never 低保
    assert flags["P9"] == (False, True, False)
