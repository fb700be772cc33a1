"""Schemes: reading a branch's published rules from YAML, finding them, checking them.

The format is documented in docs/scheme-format.md. ``load`` returns the scheme
and every problem found, each positioned; a scheme with problems is not used.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jifen import rules, yamlsrc
from jifen.errors import InvalidInput, LedgerNotFound
from jifen.model import SUBJECT_KINDS, Band, Category, Problem, Rule, Scheme, Source

SUFFIX = ".yaml"
SCORING_PERIODS = ("month", "quarter")
PERIODS_PER_YEAR = {"month": 12, "quarter": 4}
CATEGORY_TYPES = ("deduct", "bonus")
DEDUPE = ("ref-highest",)
ANNUAL_METHODS = ("mean", "sum")
VETO_EFFECTS = ("zero-period-and-year",)


def shipped_dir() -> Path:
    """The ``schemes/`` folder shipped with jifen."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemes", here.parents[1] / "schemes"):
        if candidate.is_dir():
            return candidate
    return here.parents[1] / "schemes"


def find(ref: str, search: list[Path], base: Path | None = None) -> Path:
    """The file of scheme ``ref``: a path (relative to ``base``) or an id looked up in ``search``."""
    if ref.endswith(SUFFIX) or "/" in ref:
        path = Path(ref) if base is None else base / ref
        if path.is_file():
            return path
        raise LedgerNotFound("scheme.no-file", path=str(path))
    for folder in search:
        path = folder / f"{ref}{SUFFIX}"
        if path.is_file():
            return path
    known = sorted(p.stem for folder in search if folder.is_dir() for p in folder.glob(f"*{SUFFIX}"))
    raise LedgerNotFound("scheme.unknown", scheme=ref, known=", ".join(known) or "-")


def available(search: list[Path]) -> list[Path]:
    """Every scheme file in ``search``, first found wins, sorted by id."""
    found: dict[str, Path] = {}
    for folder in search:
        if folder.is_dir():
            for path in sorted(folder.glob(f"*{SUFFIX}")):
                found.setdefault(path.stem, path)
    return [found[k] for k in sorted(found)]


def load_valid(path: Path) -> Scheme:
    """The scheme in ``path``; InvalidInput carrying every problem if it has any."""
    scheme, problems = load(path)
    if problems or scheme is None:
        raise InvalidInput("scheme.has-problems", problems=problems, path=str(path))
    return scheme


def load(path: Path) -> tuple[Scheme | None, list[Problem]]:
    """The scheme in ``path`` and every problem found in it (None if it cannot be built)."""
    text, problems = yamlsrc.decode(str(path), path.read_bytes())
    if text is None:
        return None, problems
    root, yaml_problems = yamlsrc.parse(str(path), text)
    problems += yaml_problems
    if root is None:
        problems.append(Problem(Source(str(path), 1, 1), "scheme.empty"))
        return None, problems
    scheme = _scheme(str(path), root, problems)
    if scheme is not None:
        problems += consistency(scheme, root)
    problems.sort(key=Problem.sort_key)
    return (None if problems else scheme), problems


def _choice(choices: tuple[str, ...]):
    return lambda node: yamlsrc.as_choice(node, choices)


def _list(node: yamlsrc.Node) -> yamlsrc.Seq:
    if not isinstance(node, yamlsrc.Seq):
        raise ValueError("yaml.want-list")
    return node


def _precision(node: yamlsrc.Node) -> int:
    value = yamlsrc.as_int(node)
    if value > 6:
        raise ValueError("scheme.bad-precision")
    return value


_TOP = {
    "scheme": (yamlsrc.as_text, True),
    "name": (yamlsrc.as_text, True),
    "description": (yamlsrc.as_text, False),
    "subjects": (_choice(SUBJECT_KINDS), False),
    "precision": (_precision, False),
    "period": (_choice(SCORING_PERIODS), True),
    "total": (yamlsrc.as_decimal, False),
    "categories": (_list, True),
    "annual": (lambda n: n, False),
    "grades": (_list, True),
    "veto": (lambda n: n, False),
}
_CATEGORY = {
    "id": (yamlsrc.as_text, True),
    "name": (yamlsrc.as_text, True),
    "type": (_choice(CATEGORY_TYPES), True),
    "max": (yamlsrc.as_decimal, False),
    "floor": (lambda n: None if _is_none(n) else yamlsrc.as_decimal(n), False),
    "caps": (lambda n: n, False),
    "dedupe": (_choice(DEDUPE), False),
    "rules": (_list, True),
}
_RULE = {
    "id": (yamlsrc.as_text, True),
    "name": (yamlsrc.as_text, True),
    "kind": (_choice(tuple(rules.KINDS)), True),
}
_ANNUAL = {"method": (_choice(ANNUAL_METHODS), True), "weights": (_list, False)}
_BAND = {
    "name": (yamlsrc.as_text, True),
    "min": (yamlsrc.as_decimal, False),
    "max": (yamlsrc.as_decimal, False),
}
_VETO = {"effect": (_choice(VETO_EFFECTS), True)}


def _is_none(node: yamlsrc.Node) -> bool:
    return isinstance(node, yamlsrc.Scalar) and node.plain and node.text in ("none", "~", "null", "")


def _scheme(path: str, root: yamlsrc.Node, problems: list[Problem]) -> Scheme | None:
    top = yamlsrc.read_map(root, _TOP, problems, "scheme")
    if top is None:
        return None
    period = top["period"]
    categories = [c for n in top["categories"].items if (c := _category(n, problems)) is not None]
    bands = [b for n in top["grades"].items if (b := _band(n, problems)) is not None]
    annual = {"method": "mean", "weights": None}
    if "annual" in top:
        annual = yamlsrc.read_map(top["annual"], _ANNUAL, problems, "annual") or annual
    weights = _weights(annual.get("weights"), PERIODS_PER_YEAR[period], problems)
    veto = {"effect": "zero-period-and-year"}
    if "veto" in top:
        veto = yamlsrc.read_map(top["veto"], _VETO, problems, "veto") or veto
    return Scheme(
        id=top["scheme"],
        name=top["name"],
        path=path,
        subjects=top.get("subjects", "members"),
        precision=top.get("precision", 2),
        period=period,
        total=top.get("total"),
        categories=tuple(categories),
        annual_method=annual.get("method", "mean"),
        weights=weights,
        grades=tuple(bands),
        veto_effect=veto["effect"],
        description=top.get("description", ""),
    )


def _category(node: yamlsrc.Node, problems: list[Problem]) -> Category | None:
    values = yamlsrc.read_map(node, _CATEGORY, problems, "category")
    if values is None:
        return None
    caps: dict[str, Decimal] = {}
    if "caps" in values:
        spec = {kind: (yamlsrc.as_decimal, False) for kind in ("month", "quarter", "year")}
        caps = yamlsrc.read_map(values["caps"], spec, problems, "caps") or {}
    rule_list = [r for n in values["rules"].items if (r := _rule(n, values["id"], problems)) is not None]
    if values["type"] == "deduct" and "max" not in values:
        problems.append(Problem(node.source, "scheme.deduct-needs-max", {"category": values["id"]}))
    return Category(
        id=values["id"],
        name=values["name"],
        type=values["type"],
        max=values.get("max"),
        floor=values.get("floor", Decimal(0)) if values["type"] == "deduct" else None,
        caps=caps,
        dedupe=values.get("dedupe"),
        rules=tuple(rule_list),
        source=node.source,
    )


def _rule(node: yamlsrc.Node, category: str, problems: list[Problem]) -> Rule | None:
    kind_node = node.get("kind") if isinstance(node, yamlsrc.Map) else None
    kind = kind_node.text if isinstance(kind_node, yamlsrc.Scalar) else None
    spec: dict[str, Any] = dict(_RULE)
    if kind in rules.KINDS:
        spec.update(rules.KINDS[kind].params)
    values = yamlsrc.read_map(node, spec, problems, "rule")
    if values is None:
        return None
    params = {k: v for k, v in values.items() if k not in _RULE}
    invalid = rules.KINDS[kind].validate(params)
    if invalid is not None:
        code, args = invalid
        problems.append(Problem(node.source, code, {"rule": values["id"], **args}))
        return None
    return Rule(values["id"], values["name"], category, kind, params, node.source)


def _band(node: yamlsrc.Node, problems: list[Problem]) -> Band | None:
    values = yamlsrc.read_map(node, _BAND, problems, "grade band")
    if values is None:
        return None
    return Band(values["name"], values.get("min"), values.get("max"), node.source)


def _weights(node: yamlsrc.Seq | None, count: int, problems: list[Problem]) -> dict[int, Decimal]:
    if node is None:
        return {i + 1: Decimal(1) for i in range(count)}
    weights: dict[int, Decimal] = {}
    for index, item in enumerate(node.items):
        try:
            weights[index + 1] = yamlsrc.as_decimal(item)
        except ValueError as exc:
            problems.append(Problem(item.source, str(exc), {"field": "weights", "text": ""}))
    if len(node.items) != count:
        problems.append(Problem(node.source, "scheme.weights-count", {"count": count, "given": len(node.items)}))
    return weights


def consistency(scheme: Scheme, root: yamlsrc.Node) -> list[Problem]:
    """Problems of a scheme that reads well but does not add up."""
    problems: list[Problem] = []
    seen: dict[str, Source] = {}
    for thing in [*scheme.categories, *scheme.rules]:
        if thing.id in seen:
            problems.append(Problem(thing.source, "scheme.duplicate-id", {"id": thing.id, "line": seen[thing.id].line}))
        seen.setdefault(thing.id, thing.source)
    maxima = [c.max for c in scheme.categories if c.type == "deduct" and c.max is not None]
    if scheme.total is not None and maxima and sum(maxima) != scheme.total:
        where = root.get("total").source if isinstance(root, yamlsrc.Map) else Source(scheme.path, 1)
        problems.append(Problem(where, "scheme.total-mismatch", {"total": scheme.total, "sum": sum(maxima)}))
    for category in scheme.categories:
        if category.type == "deduct" and category.caps:
            problems.append(Problem(category.source, "scheme.caps-on-deduct", {"category": category.id}))
    problems += _band_problems(scheme.grades)
    return problems


def _band_problems(bands: tuple[Band, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if not bands:
        return problems
    for upper, lower in zip(bands, bands[1:]):
        if upper.min is None:
            problems.append(Problem(upper.source, "scheme.band-open-below", {"band": upper.name}))
            continue
        if lower.min is not None and lower.min >= upper.min:
            problems.append(Problem(lower.source, "scheme.band-order", {"band": lower.name, "above": upper.name}))
        elif lower.max is not None and lower.max < upper.min:
            problems.append(
                Problem(lower.source, "scheme.band-gap", {"low": lower.max, "high": upper.min, "band": lower.name})
            )
        elif lower.max is not None and lower.max > upper.min:
            problems.append(
                Problem(lower.source, "scheme.band-overlap", {"low": upper.min, "high": lower.max, "band": lower.name})
            )
    if bands[-1].min is not None:
        problems.append(Problem(bands[-1].source, "scheme.band-no-bottom", {"band": bands[-1].name, "min": bands[-1].min}))
    return problems
