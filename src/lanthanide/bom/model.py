"""The bill of materials as integer-coded arrays: items (nodes) and uses (edges).

A BOM file has one row per *use* of a line: `line_id` under `parent_line_id`, `quantity` per unit
of the parent. A line id that appears on several rows of the same product is one item used by
several parents (a shared subassembly). Line ids are scoped to their product, so every item
belongs to exactly one product and the product's top line is its root.

Everything is a numpy array so that a million-line BOM never becomes a million Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lanthanide.countries import ISO_ALPHA2

I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
F64 = npt.NDArray[np.float64]
Obj = npt.NDArray[np.object_]

ITEM_TYPES: tuple[str, ...] = (
    "finished_good",
    "assembly",
    "component",
    "magnet_ndfeb",
    "magnet_smco",
    "magnet_other",
    "ree_metal",
    "ree_alloy",
    "ree_oxide",
    "ree_compound",
    "sputtering_target",
    "chip",
    "other",
)
ITEM_TYPE_CODE: dict[str, int] = {name: i for i, name in enumerate(ITEM_TYPES)}

#: the 17 rare earths; an item's `elements` is a bitmask over this tuple
ELEMENTS: tuple[str, ...] = (
    "Sc",
    "Y",
    "La",
    "Ce",
    "Pr",
    "Nd",
    "Pm",
    "Sm",
    "Eu",
    "Gd",
    "Tb",
    "Dy",
    "Ho",
    "Er",
    "Tm",
    "Yb",
    "Lu",
)
ELEMENT_BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(ELEMENTS)}

#: country codes are indexes into this sorted tuple; -1 means "not given"
COUNTRIES: tuple[str, ...] = tuple(sorted(ISO_ALPHA2))
COUNTRY_CODE: dict[str, int] = {name: i for i, name in enumerate(COUNTRIES)}
NONE = -1


def element_mask(symbols: list[str] | tuple[str, ...]) -> int:
    """Bitmask of a list of element symbols."""
    mask = 0
    for symbol in symbols:
        mask |= ELEMENT_BIT[symbol]
    return mask


def type_mask(names: list[str] | tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """Boolean lookup table over item-type codes."""
    table = np.zeros(len(ITEM_TYPES), dtype=bool)
    for name in names:
        table[ITEM_TYPE_CODE[name]] = True
    return table


def country_codes(names: list[str] | tuple[str, ...]) -> list[int]:
    """Country codes of a list of ISO alpha-2 strings."""
    return [COUNTRY_CODE[n] for n in names]


@dataclass(frozen=True)
class Bom:
    """A validated BOM: node arrays (length n), edge arrays (length E), product arrays (length P).

    Nodes are numbered so that each product's nodes are contiguous; `root[p]` is the node of
    product p's top line. `row` arrays hold the 1-based source line numbers for messages.
    """

    # nodes
    product: I32
    line: I32  # index into line_names
    item_type: I8
    elements: U32
    origin: I16
    made_in: I16  # NONE: same as origin
    tech_origin: I16  # NONE: not known
    mined_in: I16  # NONE: not known
    unit_value: F64
    eccn: I32  # index into eccn_names, NONE: not given
    node_row: I64
    # edges (parent uses quantity units of child)
    parent: I32
    child: I32
    quantity: F64
    edge_row: I64
    # products
    product_names: Obj
    root: I32
    ship_from: I16
    ship_to: I16
    end_user: I32  # index into label_names, NONE: not given
    end_use: I32
    # lookup tables
    line_names: Obj
    eccn_names: tuple[str, ...]
    label_names: tuple[str, ...]
    level: I32  # low-level code of each node (0 = top line)
    source: str = ""
    #: per product: where the end user's ultimate parent is headquartered (NONE: not given)
    end_user_hq: I16 | None = None
    #: per node: 'total processing performance' of a chip (3A090), NaN where not given
    tpp: F64 | None = None

    def hq(self, product: int) -> int:
        """Country code of the end user's ultimate parent's headquarters (NONE: not given)."""
        return NONE if self.end_user_hq is None else int(self.end_user_hq[product])

    def tpp_of(self, node: int) -> float | None:
        """A line's TPP, or None when the BOM does not give one."""
        if self.tpp is None or np.isnan(self.tpp[node]):
            return None
        return float(self.tpp[node])

    #: per product, index into label_names (NONE: not given): the importer, and the end
    #: user's or importer's >= 50% owner (`parent` column), both for party screening
    importer: I32 | None = None
    owner: I32 | None = None
    normalised: tuple[
        str, ...
    ] = ()  # how the reader read loose input ("origin 'Japan' read as JP")

    @property
    def n_nodes(self) -> int:
        return int(self.product.size)

    @property
    def n_products(self) -> int:
        return int(self.root.size)

    def line_label(self, node: int) -> str:
        """The line id of a node as written in the file."""
        return str(self.line_names[self.line[node]])

    def where(self, node: int) -> str:
        """`file:line` of the row that defines a node."""
        return f"{self.source}:{int(self.node_row[node])}"

    def made_in_or_origin(self) -> I16:
        """Where each item was manufactured (made_in when given, else origin)."""
        return np.where(self.made_in >= 0, self.made_in, self.origin).astype(np.int16)
