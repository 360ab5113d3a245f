"""Read the shipped rule documents (`data/rules/<regime>/<ID>.yaml`) into a validated RuleSet.

Each file is hashed so that a screening receipt names exactly the rule text it was computed from.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import ValidationError

from lanthanide.controls.rule import Rule, RuleSet
from lanthanide.errors import InvalidRule
from lanthanide.store.country_chart import chart_receipts, shipped_chart


def rules_root() -> Path:
    """Folder holding the shipped rule documents inside the installed package."""
    return Path(str(files("lanthanide.data") / "rules"))


def load_rule_file(path: Path) -> tuple[Rule, str]:
    """One rule document and the sha256 of its bytes; InvalidRule names the file and field."""
    data = path.read_bytes()
    try:
        raw = yaml.safe_load(data)
        rule = Rule.model_validate(raw)
    except yaml.YAMLError as error:
        raise InvalidRule(f"{path}: not valid YAML: {error}") from error
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(document)'}: {e['msg']}"
            for e in error.errors()
        )
        raise InvalidRule(f"{path}: {details}") from error
    if rule.id != path.stem:
        raise InvalidRule(f"{path}: id {rule.id!r} does not match the file name")
    if rule.regime != path.parent.name:
        raise InvalidRule(
            f"{path}: regime {rule.regime!r} does not match folder {path.parent.name}"
        )
    return rule, hashlib.sha256(data).hexdigest()


def load_rules(root: Path | None = None) -> RuleSet:
    """Every rule under `root` (default: the shipped rules), validated and cross-checked."""
    base = root or rules_root()
    rules: dict[str, Rule] = {}
    hashes: dict[str, str] = {}
    for path in sorted(base.glob("*/*.yaml")):
        rule, digest = load_rule_file(path)
        if rule.id in rules:
            raise InvalidRule(f"{path}: duplicate rule id {rule.id}")
        rules[rule.id] = rule
        hashes[f"{path.parent.name}/{path.name}"] = digest
    if not rules:
        raise InvalidRule(f"no rule documents under {base}")
    hashes.update({f"datasets/{k}": v for k, v in chart_receipts().items()})
    try:
        return RuleSet(rules=rules, hashes=hashes, chart=shipped_chart())
    except ValidationError as error:
        raise InvalidRule(f"{base}: {error.errors()[0]['msg']}") from error


@cache
def shipped_rules() -> RuleSet:
    """The shipped rule set, loaded once per process."""
    return load_rules()
