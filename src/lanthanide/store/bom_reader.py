"""Read and validate a BOM file into the integer-coded `lanthanide.bom.Bom`.

Every check is a vectorized mask over all rows; messages are built only for the rows that fail,
so a clean million-line file costs a few array passes. Every problem carries file:line:column;
any problem stops the run before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lanthanide.bom.model import (
    COUNTRY_CODE,
    ELEMENT_BIT,
    ITEM_TYPE_CODE,
    ITEM_TYPES,
    NONE,
    Bom,
)
from lanthanide.bom.rollup import levels
from lanthanide.errors import InvalidInput, Problem
from lanthanide.store.bom_table import Table, load_table, read_mapping

#: at most this many problems are listed (the count says how many there were)
MAX_PROBLEMS = 50
ECCN = re.compile(r"^(EAR99|[0-9][A-E][0-9]{3}(\.[A-Za-z0-9]+)*)$")


class _Problems:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.items: list[tuple[int, int, Problem]] = []
        self.count = 0

    def add(self, rows: np.ndarray, column: str, message: Callable[[int], str]) -> None:
        """Record a problem for each row index in `rows` (message built from the row index)."""
        rows = np.asarray(rows)
        self.count += int(rows.size)
        for r in rows[:MAX_PROBLEMS]:
            line = int(self.table.rows[r])
            where = self.table.position.get(column)
            order = where if isinstance(where, int) else 0
            self.items.append(
                (line, order, Problem(message(int(r)), self.table.source, line, where))
            )

    def raise_if_any(self) -> None:
        if not self.items:
            return
        self.items.sort(key=lambda t: (t[0], t[1]))
        listed = [p for _, _, p in self.items[:MAX_PROBLEMS]]
        more = f" (first {MAX_PROBLEMS} listed)" if self.count > MAX_PROBLEMS else ""
        noun = "problem" if self.count == 1 else "problems"
        raise InvalidInput(
            f"{self.table.source}: {self.count} {noun} in the BOM{more}; nothing was written",
            listed,
        )


class Coded:
    """A string column as integer codes into its distinct (whitespace-trimmed) values."""

    def __init__(self, array: pa.Array) -> None:
        # encode first, then trim the (small) dictionary and merge values that trim alike
        encoded = pc.dictionary_encode(array)
        trimmed = pc.dictionary_encode(pc.utf8_trim_whitespace(encoded.dictionary))
        remap = np.asarray(trimmed.indices.to_numpy(), dtype=np.int64)
        raw = np.asarray(encoded.indices.to_numpy(), dtype=np.int64)
        self.codes: np.ndarray = remap[raw] if remap.size else raw
        self.uniques: np.ndarray = np.asarray(
            trimmed.dictionary.to_numpy(zero_copy_only=False), dtype=object
        )
        hit = np.flatnonzero(self.uniques == "")
        self.empty_code = int(hit[0]) if hit.size else -1

    def __getitem__(self, row: int) -> str:
        return str(self.uniques[self.codes[row]])

    @property
    def empty(self) -> np.ndarray:
        """Rows where the cell is empty."""
        out: np.ndarray = self.codes == self.empty_code
        return out

    def lookup(self, table: dict[str, int], default: int, dtype: type) -> np.ndarray:
        """Map each distinct value through `table` (missing -> default), then to rows."""
        mapped: np.ndarray = np.array(
            [table.get(str(u), default) for u in self.uniques], dtype=dtype
        )
        out: np.ndarray = mapped[self.codes] if self.codes.size else np.zeros(0, dtype=dtype)
        return out


class _Slice:
    """Text of rows offset into a jointly coded column (line_id and parent_line_id)."""

    def __init__(self, coded: Coded, offset: int) -> None:
        self.coded, self.offset = coded, offset

    def __getitem__(self, row: int) -> str:
        return self.coded[row + self.offset]


def _coded(table: Table, name: str) -> Coded:
    return Coded(table.columns[name])


def _numbers(
    table: Table, name: str, problems: _Problems, required: np.ndarray, what: str
) -> np.ndarray:
    """Parse a numeric column; empty cells are NaN; report non-numbers and negative numbers."""
    raw = pc.utf8_trim_whitespace(table.columns[name])
    empty = np.asarray(pc.equal(raw, "").to_numpy(zero_copy_only=False), dtype=bool)
    try:
        cast = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), raw), pa.float64())
        values = np.asarray(cast.to_numpy(zero_copy_only=False), dtype=np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = pd.Series(raw.to_numpy(zero_copy_only=False))
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    unparsed = np.isnan(values) & ~empty
    problems.add(
        np.flatnonzero(unparsed), name, lambda r: f"{what} {raw[r].as_py()!r} is not a number"
    )
    problems.add(np.flatnonzero(empty & required), name, lambda r: f"{what} is empty")
    finite = ~np.isnan(values)
    bad = np.flatnonzero(finite & np.isinf(values))
    problems.add(bad, name, lambda r: f"{what} {raw[r].as_py()!r} is not a finite number")
    negative = np.flatnonzero(finite & (np.nan_to_num(values) < 0))
    problems.add(negative, name, lambda r: f"{what} {values[r]:g} is negative")
    result: np.ndarray = values
    return result


#: everyday names pycountry does not know (its names are ISO's: "Russian Federation", "Türkiye")
_ALIASES = {"russia": "RU", "turkey": "TR", "great britain": "GB", "england": "GB"}
#: names that stand for two countries: a guess could pick the wrong one
_AMBIGUOUS = frozenset({"congo", "korea", "guinea"})


def country_code(text: str) -> str | None:
    """ISO alpha-2 code for a code (any case), an alpha-3 code or a country name; else None."""
    upper = text.upper()
    if upper in COUNTRY_CODE:
        return upper
    lower = text.strip().lower()
    if lower in _AMBIGUOUS or len(lower) < 3:
        return None
    if lower in _ALIASES:
        return _ALIASES[lower]
    import pycountry  # noqa: PLC0415 - only a file with country names needs the table

    try:
        found = str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        return None
    return found if found in COUNTRY_CODE else None


def _countries(
    table: Table,
    name: str,
    problems: _Problems,
    required: np.ndarray | None = None,
    normalised: list[str] | None = None,
) -> np.ndarray:
    """Country column as int16 codes (NONE where empty); unknown countries are problems.

    Codes are ISO 3166 alpha-2 in any case; a name ("Japan") or alpha-3 code is read as its
    alpha-2 code and listed in `normalised`, so the result says how it read the file.
    """
    column = _coded(table, name)
    known: dict[str, int] = {"": NONE}
    for value in column.uniques:
        text = str(value)
        if text == "":
            continue
        code = country_code(text)
        known[text] = COUNTRY_CODE[code] if code else -2
        if code and text.upper() != code and normalised is not None:
            normalised.append(f"{name} {text!r} read as {code}")
    out = column.lookup(known, -2, np.int16)
    unknown = np.flatnonzero(out == -2)
    problems.add(
        unknown,
        name,
        lambda r: f"{name} {column[r]!r} is not an ISO 3166 alpha-2 country code or a country name",
    )
    if required is not None:
        problems.add(np.flatnonzero((out == NONE) & required), name, lambda r: f"{name} is empty")
    return out


def parse_elements(value: str) -> tuple[int, str | None]:
    """`Nd;Pr;Dy` or `Nd:0.22;Dy:0.03` -> (bitmask, problem or None)."""
    if not value:
        return 0, None
    mask, total = 0, 0.0
    for token in value.split(";"):
        symbol, sep, fraction = token.strip().partition(":")
        symbol = symbol.strip()
        if not symbol:
            return 0, f"elements {value!r} has an empty entry"
        bit = ELEMENT_BIT.get(symbol)
        if bit is None:
            return 0, f"elements {value!r}: {symbol!r} is not a rare-earth element symbol"
        if mask & bit:
            return 0, f"elements {value!r}: {symbol} is listed twice"
        mask |= bit
        if sep:
            try:
                share = float(fraction)
            except ValueError:
                return 0, f"elements {value!r}: mass fraction {fraction.strip()!r} is not a number"
            if not 0.0 <= share <= 1.0:
                return 0, f"elements {value!r}: mass fraction {share:g} is outside 0..1"
            total += share
    if total > 1.0 + 1e-9:
        return 0, f"elements {value!r}: mass fractions add up to {total:g} > 1"
    return mask, None


def _labels(values: list[str], labels: list[str]) -> np.ndarray:
    """Free-text product labels (end_user, end_use) as codes into a shared label list."""
    out = np.full(len(values), NONE, dtype=np.int32)
    index = {text: i for i, text in enumerate(labels)}  # a dict: one lookup per product
    for i, value in enumerate(values):
        text = str(value).strip().lower()
        if text:
            code = index.setdefault(text, len(labels))
            if code == len(labels):
                labels.append(text)
            out[i] = code
    return out


def _clash_message(
    name: str, lines: _Slice, products: Coded, table: Table, first: np.ndarray
) -> Callable[[int], str]:
    def message(r: int) -> str:
        return (
            f"line {lines[r]!r} of product {products[r]!r} is used on several rows (a shared "
            f"subassembly) but its {name} here differs from line {int(table.rows[first[r]])}"
        )

    return message


class _Worth(NamedTuple):
    """What the worth check reads: per-row values, node first rows, edges sorted by parent."""

    unit_value: np.ndarray  # per row
    quantity: np.ndarray  # per row
    first: np.ndarray  # first row of each node
    node_of_row: np.ndarray
    edge_rows: np.ndarray  # row of each edge
    parent: np.ndarray  # parent node of each edge


#: relative slack for rounding when the parts of an item are added up
WORTH_TOLERANCE = 1e-9


def _check_worth(problems: _Problems, w: _Worth, lines: _Slice, products: Coded) -> None:
    """Every use must be a finite value, and an item's parts (quantity x unit value) must not
    be worth more than the item: a part's value is inside its parent's, or shares pass 100%."""
    value = w.unit_value[w.first]
    child = w.node_of_row[w.edge_rows]
    with np.errstate(over="ignore", invalid="ignore"):
        worth = w.quantity[w.edge_rows] * value[child]
    finite = np.isfinite(worth)
    problems.add(
        w.edge_rows[~finite],
        "quantity",
        lambda r: (
            f"quantity {w.quantity[r]:g} x unit_value_usd {value[w.node_of_row[r]]:g} "
            "is beyond the range of a number"
        ),
    )
    with np.errstate(over="ignore", invalid="ignore"):
        parts = np.bincount(w.parent, weights=np.where(finite, worth, 0.0), minlength=value.size)
        over = np.flatnonzero(parts > value * (1.0 + WORTH_TOLERANCE))
    node = np.full(w.node_of_row.size, -1, dtype=np.int64)
    node[w.first[over]] = over
    problems.add(
        w.first[over],
        "unit_value_usd",
        lambda r: (
            f"line {lines[r]!r} of product {products[r]!r} is worth {value[node[r]]:g} USD but "
            f"its parts add up to {parts[node[r]]:g} USD (quantity x unit_value_usd): a part "
            "is worth no more than the item it is in"
        ),
    )


def read_bom(path: Path, columns: Path | None = None, sheet: str | None = None) -> Bom:
    """Read, validate and encode a BOM file (CSV, XLSX or JSON), optionally with a column map."""
    mapping = read_mapping(columns) if columns else None
    table = load_table(path, mapping, sheet)
    problems = _Problems(table)
    n_rows = table.n_rows

    product_text = _coded(table, "product_id")
    both = Coded(pa.concat_arrays([table.columns["line_id"], table.columns["parent_line_id"]]))
    line_code, parent_code = both.codes[:n_rows], both.codes[n_rows:]
    line_text = _Slice(both, 0)
    parent_text = _Slice(both, n_rows)
    problems.add(np.flatnonzero(product_text.empty), "product_id", lambda r: "product_id is empty")
    problems.add(
        np.flatnonzero(line_code == both.empty_code), "line_id", lambda r: "line_id is empty"
    )
    problems.raise_if_any()

    product_code, product_names = product_text.codes, product_text.uniques
    line_names = both.uniques
    width = np.int64(line_names.size + 1)
    key = product_code * width + line_code
    node_of_row, node_keys = pd.factorize(key)
    node_of_row = node_of_row.astype(np.int64)
    n = int(node_keys.size)
    # factorize numbers nodes in order of first appearance: a row is a node's first row
    # exactly when its code exceeds every code before it
    running = np.maximum.accumulate(node_of_row)
    first = np.flatnonzero(np.concatenate(([True], running[1:] > running[:-1])))
    defining = np.zeros(n_rows, dtype=bool)
    defining[first] = True

    # --- per-row fields ------------------------------------------------------------------
    is_root_row = parent_code == both.empty_code
    quantity = _numbers(table, "quantity", problems, ~is_root_row, "quantity")
    unit_value = _numbers(table, "unit_value_usd", problems, defining, "unit_value_usd")
    type_text = _coded(table, "item_type")
    type_codes = type_text.codes
    item_type = type_text.lookup(ITEM_TYPE_CODE, -1, np.int8)
    problems.add(
        np.flatnonzero(type_text.empty & defining), "item_type", lambda r: "item_type is empty"
    )
    bad = np.flatnonzero((item_type < 0) & ~type_text.empty)
    problems.add(
        bad,
        "item_type",
        lambda r: f"item_type {type_text[r]!r} is not one of {', '.join(ITEM_TYPES)}",
    )
    normalised: list[str] = []
    # an empty origin is unknown, an answer rather than an error (the tests that need it say so)
    origin = _countries(table, "origin", problems, None, normalised)
    made_in = _countries(table, "made_in", problems, None, normalised)
    tech_origin = _countries(table, "tech_origin", problems, None, normalised)
    mined_in = _countries(table, "mined_in", problems, None, normalised)
    ship_from = _countries(table, "ship_from", problems, None, normalised)
    ship_to = _countries(table, "ship_to", problems, None, normalised)
    end_user_hq = _countries(table, "end_user_hq", problems, None, normalised)
    tpp = _numbers(table, "tpp", problems, np.zeros(n_rows, dtype=bool), "tpp")

    element_text = _coded(table, "elements")
    element_codes = element_text.codes
    parsed = [parse_elements(str(u)) for u in element_text.uniques]
    element_table = np.array([m for m, _ in parsed], dtype=np.uint32)
    element_errors = np.array([e is not None for _, e in parsed], dtype=bool)
    elements = element_table[element_codes]
    problems.add(
        np.flatnonzero(element_errors[element_codes]),
        "elements",
        lambda r: str(parsed[element_codes[r]][1]),
    )

    eccn_text = _coded(table, "eccn")
    eccn_codes, eccn_uniques = eccn_text.codes, eccn_text.uniques
    eccn_ok = np.array([u == "" or bool(ECCN.match(str(u))) for u in eccn_uniques], dtype=bool)
    problems.add(
        np.flatnonzero(~eccn_ok[eccn_codes]),
        "eccn",
        lambda r: f"eccn {eccn_text[r]!r} is not an ECCN (like 3A090.a) or EAR99",
    )

    # --- a line on several rows is one item: later rows may repeat or omit, not contradict --
    first_of_row = first[node_of_row]
    for name, values, empty in (
        ("item_type", type_codes, type_text.empty),
        ("elements", element_codes, element_text.empty),
        ("origin", origin, origin == NONE),
        ("made_in", made_in, made_in == NONE),
        ("tech_origin", tech_origin, tech_origin == NONE),
        ("tpp", np.nan_to_num(tpp, nan=-1.0), np.isnan(tpp)),
        ("eccn", eccn_codes, eccn_text.empty),
        ("unit_value_usd", np.nan_to_num(unit_value, nan=-1.0), np.isnan(unit_value)),
    ):
        clash = np.flatnonzero(~defining & ~empty & (values != values[first_of_row]))
        message = _clash_message(name, line_text, product_text, table, first_of_row)
        problems.add(clash, name, message)
    problems.raise_if_any()

    # --- structure: top lines, parents, duplicates, cycles ---------------------------------
    n_products = int(product_names.size)
    root_rows = np.flatnonzero(is_root_row)
    root_count = np.bincount(product_code[root_rows], minlength=n_products)
    no_top = np.flatnonzero(root_count == 0)
    if no_top.size:
        first_row_of_product = np.flatnonzero(~pd.Series(product_code).duplicated().to_numpy())
        problems.add(
            first_row_of_product[no_top],
            "parent_line_id",
            lambda r: (
                f"product {product_text[r]!r} has no top line (a line with empty parent_line_id)"
            ),
        )
    several = root_rows[root_count[product_code[root_rows]] > 1]
    problems.add(
        several,
        "parent_line_id",
        lambda r: (
            f"product {product_text[r]!r} has {root_count[product_code[r]]} top lines; "
            "give every line but one a parent_line_id"
        ),
    )
    edge_rows = np.flatnonzero(~is_root_row)
    parent_key = product_code[edge_rows] * width + parent_code[edge_rows]
    parent_node = pd.Index(node_keys).get_indexer(parent_key).astype(np.int64)
    problems.add(
        edge_rows[parent_node < 0],
        "parent_line_id",
        lambda r: f"parent line {parent_text[r]!r} is not a line of product {product_text[r]!r}",
    )
    root_nodes = node_of_row[root_rows]
    used_as_child = np.zeros(n, dtype=bool)
    used_as_child[node_of_row[edge_rows]] = True
    problems.add(
        root_rows[used_as_child[root_nodes]],
        "parent_line_id",
        lambda r: (
            f"line {line_text[r]!r} is the top line of product {product_text[r]!r} and "
            "also used under a parent"
        ),
    )
    child_node = node_of_row[edge_rows]
    pair = pd.Series(parent_node * n + child_node)
    problems.add(
        edge_rows[pair.duplicated().to_numpy() & (parent_node >= 0)],
        "line_id",
        lambda r: f"line {line_text[r]!r} appears twice under parent {parent_text[r]!r}",
    )
    problems.raise_if_any()

    # edges sorted by parent once: the level and roll-up sorts then run on sorted input
    by_parent = np.argsort(parent_node, kind="stable")
    edge_rows = edge_rows[by_parent]
    parent32 = parent_node[by_parent].astype(np.int32)
    child32 = child_node[by_parent].astype(np.int32)
    level = levels(n, parent32, child32)
    cyclic = np.flatnonzero(level[child32] < 0)
    problems.add(
        edge_rows[cyclic],
        "parent_line_id",
        lambda r: (
            f"line {line_text[r]!r} of product {product_text[r]!r} is on or below a "
            f"cycle: following parent {parent_text[r]!r} upward never reaches the top line"
        ),
    )
    problems.raise_if_any()

    root = node_of_row[root_rows][np.argsort(product_code[root_rows], kind="stable")]
    root_row = first[root]
    problems.add(
        root_row[~(unit_value[root_row] > 0)],
        "unit_value_usd",
        lambda r: (
            f"the top line of product {product_text[r]!r} needs a unit_value_usd > 0 "
            "(the product's value, the denominator of every share)"
        ),
    )
    problems.raise_if_any()
    worth = _Worth(unit_value, quantity, first, node_of_row, edge_rows, parent32)
    _check_worth(problems, worth, line_text, product_text)
    problems.raise_if_any()

    labels: list[str] = []
    end_user_text, end_use_text = _coded(table, "end_user"), _coded(table, "end_use")
    end_user = _labels([end_user_text[int(r)] for r in root_row], labels)
    end_use = _labels([end_use_text[int(r)] for r in root_row], labels)
    importer_text, owner_text = _coded(table, "importer"), _coded(table, "parent")
    importer = _labels([importer_text[int(r)] for r in root_row], labels)
    owner = _labels([owner_text[int(r)] for r in root_row], labels)
    quantity_edges = quantity[edge_rows]
    return Bom(
        product=product_code[first].astype(np.int32),
        line=line_code[first].astype(np.int32),
        item_type=item_type[first].astype(np.int8),
        elements=elements[first],
        origin=origin[first],
        made_in=made_in[first],
        tech_origin=tech_origin[first],
        mined_in=mined_in[first],
        unit_value=unit_value[first],
        eccn=np.where(eccn_text.empty[first], NONE, eccn_codes[first]).astype(np.int32),
        node_row=table.rows[first],
        parent=parent32,
        child=child32,
        quantity=quantity_edges,
        edge_row=table.rows[edge_rows],
        product_names=product_names,
        root=root.astype(np.int32),
        ship_from=ship_from[root_row],
        ship_to=ship_to[root_row],
        end_user=end_user,
        end_use=end_use,
        line_names=line_names,
        eccn_names=tuple(str(u) for u in eccn_uniques),
        label_names=tuple(labels),
        source=table.source,
        level=level,
        end_user_hq=end_user_hq[root_row],
        tpp=tpp[first],
        importer=importer,
        owner=owner,
        normalised=tuple(normalised),
    )
