"""Schemes: reading a branch's published rules from YAML, finding them, checking them.

The format is documented in docs/scheme-format.md. ``load`` returns the scheme
and every problem found, each positioned; a scheme with an error is not used
(warnings, such as a gap between grade bands that the source itself leaves,
are reported and the scheme is used).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jifen
from jifen.core import categories, rules, typed
from jifen.core.kinds import MEMBER_STATUSES, STATUSES, SUBJECT_KINDS, panel
from jifen.core.kinds import status as status_id
from jifen.core.model import (
    Band,
    Category,
    Exchange,
    FlagRule,
    Item,
    Prize,
    Problem,
    Review,
    Rule,
    Scheme,
    Source,
)
from jifen.errors import InvalidInput, LedgerNotFound, WriteRefused
from jifen.store import yamlsrc

if TYPE_CHECKING:
    from fractions import Fraction

SUFFIX = ".yaml"
MAX_BYTES = 1024 * 1024  # a larger scheme file is refused before it is read (the shipped ones are under 20 KiB)
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
CATEGORY_TYPES = tuple(categories.TYPES)
DEDUPE = ("ref-highest",)
ANNUAL_METHODS = ("mean", "sum")
VETO_EFFECTS = ("zero-period-and-year", "clear-year", "disqualify")
SECRETARY = "secretary"


def shipped_dir() -> Path:
    """The ``schemes/`` folder shipped with jifen."""
    package = Path(jifen.__file__).resolve().parent
    for candidate in (package / "schemes", package.parents[1] / "schemes"):
        if candidate.is_dir():
            return candidate
    return package.parents[1] / "schemes"


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


def digest(path: Path) -> str:
    """The BLAKE3 hash (hex) of the scheme file ``path``'s bytes: what an ``open`` event pins."""
    import blake3

    return blake3.blake3(path.read_bytes()).hexdigest()


def version_name(directory: Path, year: int, data: bytes) -> str:
    """The name, beside a ledger in ``directory``, of the copy of a version of its scheme adopted
    from ``year`` whose bytes are ``data``: ``scheme-YEAR.yaml``, else (taken by other bytes)
    ``scheme-YEAR-HASH.yaml``. A file is never overwritten: one with these very bytes is
    named again; WriteRefused if both names hold other bytes."""
    import blake3

    for name in (f"scheme-{year}{SUFFIX}", f"scheme-{year}-{blake3.blake3(data).hexdigest()[:12]}{SUFFIX}"):
        path = directory / name
        if not path.exists() or path.read_bytes() == data:
            return name
    raise WriteRefused("cli.scheme-copy-exists", path=str(directory / f"scheme-{year}{SUFFIX}"))


def available(search: list[Path]) -> list[Path]:
    """Every scheme file in ``search``, first found wins, sorted by id."""
    found: dict[str, Path] = {}
    for folder in search:
        if folder.is_dir():
            for path in sorted(folder.glob(f"*{SUFFIX}")):
                found.setdefault(path.stem, path)
    return [found[k] for k in sorted(found)]


def load_valid(path: Path) -> Scheme:
    """The scheme in ``path``; InvalidInput carrying every problem if it has an error."""
    scheme, problems = load(path)
    if scheme is None:
        raise InvalidInput("scheme.has-problems", problems=problems, path=str(path))
    return scheme


def load(path: Path, parse: Callable[[str, str], tuple[yamlsrc.Node | None, list[Problem]]] | None = None,
         ) -> tuple[Scheme | None, list[Problem]]:
    """The scheme in ``path`` and every problem found in it (None if any is an error).

    ``parse`` reads the YAML text (default ``yamlsrc.parse``; ``jifen.store.cache`` passes one that
    keeps the node tree)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [Problem(Source(str(path), 1, 1), "scheme.too-big", {"size": size, "limit": MAX_BYTES})]
    text, problems = yamlsrc.decode(str(path), path.read_bytes())
    if text is None:
        return None, problems
    root, yaml_problems = (parse or yamlsrc.parse)(str(path), text)
    problems += yaml_problems
    if root is None:
        if not yaml_problems:
            problems.append(Problem(Source(str(path), 1, 1), "scheme.empty"))
        return None, problems
    scheme = _scheme(str(path), root, problems)
    if scheme is not None:
        problems += consistency(scheme, root)
    problems.sort(key=Problem.sort_key)
    return (None if any(p.is_error for p in problems) else scheme), problems


# --- converters -------------------------------------------------------------------


def _choice(choices: tuple[str, ...]):
    return lambda node: yamlsrc.as_choice(node, choices)


def _list(node: yamlsrc.Node) -> yamlsrc.Seq:
    if not isinstance(node, yamlsrc.Seq):
        raise yamlsrc.Bad("yaml.want-list")
    return node


def _node(node: yamlsrc.Node) -> yamlsrc.Node:
    return node


def _precision(node: yamlsrc.Node) -> int:
    value = yamlsrc.as_int(node)
    if value > 6:
        raise yamlsrc.Bad("scheme.bad-precision")
    return value


def _bool(node: yamlsrc.Node) -> bool:
    return yamlsrc.as_choice(node, ("true", "false")) == "true"


def _fraction(node: yamlsrc.Node) -> Fraction:
    """An exact fraction of a whole: ``1/3``, ``40%`` or ``0.4``."""
    # imported here: only a scheme with quotas or shares needs it, not every command
    from fractions import Fraction

    text = yamlsrc.as_text(node).strip()
    try:
        value = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise yamlsrc.Bad("scheme.want-share") from None
    if not 0 <= value <= 1:
        raise yamlsrc.Bad("scheme.want-share")
    return value


def _share(node: yamlsrc.Node) -> Decimal:
    """A share of points, as an exact decimal (``0.3``, ``30%``)."""
    from fractions import Fraction

    value = _fraction(node)
    share = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(share) != value:
        raise yamlsrc.Bad("scheme.want-decimal-share")
    return share


def _floor(node: yamlsrc.Node) -> Decimal | None:
    if isinstance(node, yamlsrc.Scalar) and node.plain and node.text in ("none", "~", "null", ""):
        return None
    return yamlsrc.as_decimal(node)


def _base(node: yamlsrc.Node) -> dict[str, Decimal]:
    """``base: 100`` or ``base: {default: 100, mobile: 80}`` (role → base)."""
    if isinstance(node, yamlsrc.Map):
        values = yamlsrc.as_decimal_map(node)
        return {("" if k == "default" else k): v for k, v in values.items()}
    return {"": yamlsrc.as_decimal(node)}


_TOP = {
    "scheme": (yamlsrc.as_text, True),
    "name": (yamlsrc.as_text, True),
    "description": (yamlsrc.as_text, False),
    "example_values": (_bool, False),
    "subjects": (_choice(SUBJECT_KINDS), False),
    "precision": (_precision, False),
    "period": (_choice(tuple(PERIODS_PER_YEAR)), True),
    "total": (yamlsrc.as_decimal, False),
    "roles": (_node, False),
    "statuses": (_node, False),
    "categories": (_list, True),
    "annual": (_node, False),
    "grades": (_list, False),
    "stars": (_list, False),
    "veto": (_node, False),
    "eligible": (_node, False),
    "flags": (_list, False),
    "exemption": (_bool, False),
    "exchange": (_node, False),
    "review": (_node, False),
    "leaders": (_node, False),
}
_CATEGORY = {
    "id": (yamlsrc.as_text, True),
    "name": (yamlsrc.as_text, True),
    "type": (_choice(CATEGORY_TYPES), True),
    "max": (yamlsrc.as_decimal, False),
    "floor": (_floor, False),
    "weight": (yamlsrc.as_decimal, False),
    "base": (_base, False),
    "items": (_list, False),
    "caps": (_node, False),
    "dedupe": (_choice(DEDUPE), False),
    "requires_total": (yamlsrc.as_decimal, False),
    "panels": (yamlsrc.as_text_list, False),
    "out_of": (yamlsrc.as_decimal, False),
    "ratings": (yamlsrc.as_decimal_map, False),
    "split": (_node, False),
    "aspects": (yamlsrc.as_decimal_map, False),
    "rules": (_list, False),
}
_ITEM = {"id": (yamlsrc.as_text, True), "name": (yamlsrc.as_text, True), "max": (yamlsrc.as_decimal, True)}
_RULE = {
    "id": (yamlsrc.as_text, True),
    "name": (yamlsrc.as_text, True),
    "kind": (_choice(tuple(rules.KINDS)), True),
    "item": (yamlsrc.as_text, False),
    "max_count": (yamlsrc.as_count, False),
}
_ANNUAL = {
    "method": (_choice(ANNUAL_METHODS), True),
    "weights": (_list, False),
    "on_shown": (_bool, False),
}
_BAND = {
    "name": (yamlsrc.as_text, True),
    "min": (yamlsrc.as_decimal, False),
    "max": (yamlsrc.as_decimal, False),
    "quota": (_fraction, False),
}
_VETO = {"effect": (_choice(VETO_EFFECTS), True)}
_ELIGIBLE = {"min": (yamlsrc.as_decimal, False), "min_base": (_bool, False)}
_FLAG = {
    "flag": (yamlsrc.as_text, True),
    "per": (_choice(("year", "half", "month")), False),
    "half": (yamlsrc.as_count, False),
    "below": (yamlsrc.as_decimal, False),
    "top": (yamlsrc.as_count, False),
    "bottom": (yamlsrc.as_count, False),
    "veto": (_bool, False),
    "rank_at_most": (yamlsrc.as_count, False),
    "deductions_over": (yamlsrc.as_decimal, False),
    "months_running": (yamlsrc.as_count, False),
    "role": (yamlsrc.as_text, False),
    "ineligible": (_bool, False),
    "grade": (yamlsrc.as_text, False),
}
_LEADERS = {"secretary": (_choice(("branch",)), False), "head": (_choice(("secretaries",)), False)}
_REVIEW = {
    "panel": (yamlsrc.as_text, True),
    "ratings": (yamlsrc.as_text_list, True),
    "combine": (_choice(("lower",)), True),
}
_EXCHANGE = {
    "spends": (yamlsrc.as_text_list, True),
    "every": (_choice(("month", "quarter", "year")), True),
    "days": (yamlsrc.as_count, True),
    "prizes": (_list, True),
}
_PRIZE = {"id": (yamlsrc.as_text, True), "name": (yamlsrc.as_text, True), "price": (yamlsrc.as_decimal, True)}
_SPLIT = {"member": (_share, True), SECRETARY: (_share, True)}


_ROLE = {"name": (yamlsrc.as_text, True), "holders": (yamlsrc.as_count, False)}
_STATUSES = {"scored": (_list, False), "ranked": (_choice(("together", "apart")), False)}


def _roles(node: yamlsrc.Node, problems: list[Problem]) -> tuple[dict[str, str], dict[str, int]]:
    """``roles: {secretary: 支部书记}`` or ``{secretary: {name: 支部书记, holders: 1}}``: each role's
    name, and how many may hold it at once where the scheme says."""
    if not isinstance(node, yamlsrc.Map):
        problems.append(Problem(node.source, "yaml.want-mapping", {"what": "roles"}))
        return {}, {}
    names: dict[str, str] = {}
    holders: dict[str, int] = {}
    for key, value in node.items:
        if isinstance(value, yamlsrc.Scalar):
            names[key.text] = value.text
            continue
        values = yamlsrc.read_map(value, _ROLE, problems, "role") or {}
        names[key.text] = values.get("name", key.text)
        if "holders" in values:
            holders[key.text] = values["holders"]
    return names, holders


def _statuses(node: yamlsrc.Node, problems: list[Problem]) -> tuple[tuple[str, ...], bool]:
    """``statuses: {scored: [入党积极分子, 发展对象, 预备党员, 正式党员], ranked: apart}``: the statuses
    scored (ids or Chinese names) and whether each is ranked on its own; members only, together, if
    not given."""
    values = yamlsrc.read_map(node, _STATUSES, problems, "statuses")
    if values is None:
        return MEMBER_STATUSES, False
    scored: list[str] = []
    for item in values["scored"].items if "scored" in values else ():
        text = item.text if isinstance(item, yamlsrc.Scalar) else ""
        found = status_id(text)
        if found not in STATUSES:
            problems.append(Problem(item.source, "scheme.unknown-status", {"status": text, "statuses": ", ".join(STATUSES)}))
        elif found not in scored:
            scored.append(found)
    if "scored" in values and not values["scored"].items:
        problems.append(Problem(values["scored"].source, "scheme.no-status-scored", {}))
    return (tuple(scored) if "scored" in values else MEMBER_STATUSES), values.get("ranked") == "apart"


# --- building ----------------------------------------------------------------------


def _scheme(path: str, root: yamlsrc.Node, problems: list[Problem]) -> Scheme | None:
    top = yamlsrc.read_map(root, _TOP, problems, "scheme")
    if top is None:
        return None
    period = top["period"]
    categories = [c for n in top["categories"].items if (c := _category(n, problems)) is not None]
    bands = _bands(top.get("grades"), problems)
    stars = _bands(top.get("stars"), problems)
    annual = {"method": "sum" if period == "year" else "mean"}
    if "annual" in top:
        annual = yamlsrc.read_map(top["annual"], _ANNUAL, problems, "annual") or annual
    weights = _weights(annual.get("weights"), PERIODS_PER_YEAR[period], problems)
    veto = {"effect": "zero-period-and-year"}
    if "veto" in top:
        veto = yamlsrc.read_map(top["veto"], _VETO, problems, "veto") or veto
    eligible: dict[str, Any] = {}
    if "eligible" in top:
        eligible = yamlsrc.read_map(top["eligible"], _ELIGIBLE, problems, "eligible") or {}
    flags = []
    for node in top["flags"].items if "flags" in top else ():
        values = yamlsrc.read_map(node, _FLAG, problems, "flag")
        if values is not None:
            flags.append(FlagRule(source=node.source, **values))
    roles, holders = _roles(top["roles"], problems) if "roles" in top else ({}, {})
    statuses, apart = _statuses(top["statuses"], problems) if "statuses" in top else (MEMBER_STATUSES, False)
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
        grades=bands,
        veto_effect=veto["effect"],
        description=top.get("description", ""),
        example_values=top.get("example_values", False),
        annual_on_shown=annual.get("on_shown", False),
        stars=stars,
        eligible_min=eligible.get("min"),
        eligible_min_base=eligible.get("min_base", False),
        flags=tuple(flags),
        exemption=top.get("exemption", False),
        roles=roles,
        holders=holders,
        statuses=statuses,
        statuses_apart=apart,
        exchange=_exchange(top["exchange"], problems) if "exchange" in top else None,
        review=_review(top["review"], problems) if "review" in top else None,
        leaders=(yamlsrc.read_map(top["leaders"], _LEADERS, problems, "leaders") or {}) if "leaders" in top else {},
    )


def _review(node: yamlsrc.Node, problems: list[Problem]) -> Review | None:
    values = yamlsrc.read_map(node, _REVIEW, problems, "review")
    if values is None:
        return None
    return Review(panel(values["panel"]), values["ratings"], values["combine"], node.source)


def _exchange(node: yamlsrc.Node, problems: list[Problem]) -> Exchange | None:
    values = yamlsrc.read_map(node, _EXCHANGE, problems, "exchange")
    if values is None:
        return None
    prizes = []
    for item in values["prizes"].items:
        prize = yamlsrc.read_map(item, _PRIZE, problems, "prize")
        if prize is not None:
            prizes.append(Prize(prize["id"], prize["name"], prize["price"], item.source))
    return Exchange(values["spends"], values["every"], values["days"], tuple(prizes), node.source)


def _category(node: yamlsrc.Node, problems: list[Problem]) -> Category | None:
    values = yamlsrc.read_map(node, _CATEGORY, problems, "category")
    if values is None:
        return None
    kind = values["type"]
    caps: dict[str, Decimal] = {}
    if "caps" in values:
        spec = {k: (yamlsrc.as_decimal, False) for k in ("month", "quarter", "year")}
        caps = yamlsrc.read_map(values["caps"], spec, problems, "caps") or {}
    split: dict[str, Decimal] = {}
    if "split" in values:
        split = yamlsrc.read_map(values["split"], _SPLIT, problems, "split") or {}
    items = []
    for item_node in values["items"].items if "items" in values else ():
        item = yamlsrc.read_map(item_node, _ITEM, problems, "item")
        if item is not None:
            items.append(Item(item["id"], item["name"], item["max"], item_node.source))
    rule_nodes = values["rules"].items if "rules" in values else ()
    rule_list = [r for n in rule_nodes if (r := _rule(n, values["id"], problems)) is not None]
    kind_of = categories.TYPES[kind]
    for key in kind_of.needs:
        if key not in values:
            problems.append(Problem(node.source, "scheme.category-needs", {"category": values["id"], "type": kind, "key": key}))
    floor = values.get("floor", kind_of.floor)
    return Category(
        id=values["id"],
        name=values["name"],
        type=kind,
        max=values.get("max"),
        floor=floor,
        caps=caps,
        dedupe=values.get("dedupe"),
        rules=tuple(rule_list),
        source=node.source,
        weight=values.get("weight", Decimal(1)),
        items=tuple(items),
        base=values.get("base", {}),
        requires_total=values.get("requires_total"),
        panels=values.get("panels", ()),
        out_of=values.get("out_of", Decimal(100)),
        ratings=values.get("ratings", {}),
        split=split,
        aspects=values.get("aspects", {}),
    )


_PARAM_READERS = {"decimal": yamlsrc.as_decimal, "decimal-map": yamlsrc.as_decimal_map}  # rule parameter types


def _rule(node: yamlsrc.Node, category: str, problems: list[Problem]) -> Rule | None:
    kind_node = node.get("kind") if isinstance(node, yamlsrc.Map) else None
    kind = kind_node.text if isinstance(kind_node, yamlsrc.Scalar) else None
    spec: dict[str, Any] = dict(_RULE)
    if kind in rules.KINDS:
        spec.update({name: (_PARAM_READERS[type_], needed) for name, (type_, needed) in rules.KINDS[kind].params.items()})
    values = yamlsrc.read_map(node, spec, problems, "rule")
    if values is None:
        return None
    params = {k: v for k, v in values.items() if k not in _RULE}
    invalid = rules.KINDS[kind].validate(params)
    if invalid is not None:
        code, args = invalid
        problems.append(Problem(node.source, code, {"rule": values["id"], **args}))
        return None
    return Rule(values["id"], values["name"], category, kind, params, node.source, values.get("item"),
                values.get("max_count"))


def _bands(node: yamlsrc.Seq | None, problems: list[Problem]) -> tuple[Band, ...]:
    bands = []
    for item in node.items if node is not None else ():
        values = yamlsrc.read_map(item, _BAND, problems, "band")
        if values is not None:
            bands.append(Band(values["name"], values.get("min"), values.get("max"), item.source, values.get("quota")))
    return tuple(bands)


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


# --- consistency --------------------------------------------------------------------


def consistency(scheme: Scheme, root: yamlsrc.Node) -> list[Problem]:
    """Problems of a scheme that reads well but does not add up."""
    problems: list[Problem] = []
    seen: dict[str, Source] = {}
    for thing in [*scheme.categories, *scheme.rules]:
        if thing.id in seen:
            problems.append(Problem(thing.source, "scheme.duplicate-id", {"id": thing.id, "line": seen[thing.id].line}))
        seen.setdefault(thing.id, thing.source)
    if scheme.total is not None:
        counted = [c for c in scheme.categories if categories.of(c).full(c) is not None or not categories.of(c).credits]
        starts = [_full(c) for c in counted]
        if starts and all(v is not None for v in starts):
            added = sum((v for v in starts if v is not None), Decimal(0))
            if added != scheme.total:
                where = root.get("total").source if isinstance(root, yamlsrc.Map) else Source(scheme.path, 1)
                problems.append(Problem(where, "scheme.total-mismatch", {"total": scheme.total, "sum": added}))
    for category in scheme.categories:
        problems += _category_problems(category, scheme)
    if scheme.exchange is not None:
        problems += _exchange_problems(scheme.exchange, scheme)
    if scheme.review is not None:
        problems += _review_problems(scheme.review, scheme)
    if scheme.leaders and SECRETARY not in scheme.roles:
        where = root.get("leaders").source if isinstance(root, yamlsrc.Map) else Source(scheme.path, 1)
        problems.append(Problem(where, "scheme.leaders-need-secretary", {}))
    if scheme.leaders.get("head") and not scheme.leaders.get("secretary"):
        where = root.get("leaders").source if isinstance(root, yamlsrc.Map) else Source(scheme.path, 1)
        problems.append(Problem(where, "scheme.leaders-head", {}))
    problems += _band_problems(scheme.grades)
    problems += _band_problems(scheme.stars)
    roles = set(scheme.roles)
    for flag in scheme.flags:
        if flag.grade is not None and flag.grade not in {b.name for b in scheme.grades}:
            problems.append(Problem(flag.source, "scheme.unknown-grade",
                                    {"grade": flag.grade, "grades": ", ".join(b.name for b in scheme.grades) or "-"}))
        if flag.role is not None and flag.role not in roles:
            problems.append(Problem(flag.source, "scheme.unknown-role", {"role": flag.role, "roles": ", ".join(roles) or "-"}))
        month_only = flag.rank_at_most is not None or flag.deductions_over is not None or flag.months_running > 1
        if flag.per == "year" and month_only:
            problems.append(Problem(flag.source, "scheme.flag-month-only", {"flag": flag.flag}))
        if flag.per == "month" and (flag.top or flag.bottom or flag.veto):
            problems.append(Problem(flag.source, "scheme.flag-year-only", {"flag": flag.flag}))
        if flag.per == "half" and (month_only or flag.veto or flag.grade is not None):
            problems.append(Problem(flag.source, "scheme.flag-half", {"flag": flag.flag}))
        if flag.half is not None and (flag.per != "half" or flag.half not in (1, 2)):
            problems.append(Problem(flag.source, "scheme.flag-which-half", {"flag": flag.flag, "half": flag.half}))
        conditions = (flag.below, flag.top, flag.bottom, flag.rank_at_most, flag.deductions_over)
        if all(c is None for c in conditions) and not flag.veto:
            problems.append(Problem(flag.source, "scheme.flag-no-condition", {"flag": flag.flag}))
    return problems


def _full(category: Category) -> Decimal | None:
    """What a category contributes to the total at full marks: weight × its type's full value."""
    start = categories.of(category).full(category)
    return None if start is None else category.weight * start


def _review_problems(review: Review, scheme: Scheme) -> list[Problem]:
    """A review's ratings are the scheme's grade names (it combines with them); its panel is not one an
    evaluation category reads (that would score it too)."""
    problems = []
    names = [b.name for b in scheme.grades]
    for rating in review.ratings:
        if rating not in names:
            problems.append(Problem(review.source, "scheme.review-rating", {"rating": rating, "grades": ", ".join(names) or "-"}))
    if review.panel in scheme.panels:
        problems.append(Problem(review.source, "scheme.review-panel", {"panel": review.panel}))
    return problems


def _exchange_problems(exchange: Exchange, scheme: Scheme) -> list[Problem]:
    """The exchange spends categories the scheme has, whose points are earned (not the base a member
    starts with, not marks given by evaluators); its window fits its period; prizes have distinct ids and
    names and a price above 0."""
    problems: list[Problem] = []
    ids = [c.id for c in scheme.categories]
    for spent in exchange.spends:
        category = next((c for c in scheme.categories if c.id == spent), None)
        if category is None:
            problems.append(Problem(exchange.source, "scheme.exchange-unknown-category",
                                    {"category": spent, "categories": ", ".join(ids)}))
        elif categories.of(category).evaluated or category.type == "deduct" or category.base_for(None):
            problems.append(Problem(exchange.source, "scheme.exchange-not-earned", {"category": spent}))
    shortest = {"month": 28, "quarter": 90, "year": 365}[exchange.every]
    if exchange.days > shortest:
        problems.append(Problem(exchange.source, "scheme.exchange-days", {"days": exchange.days, "most": shortest}))
    if not exchange.prizes:
        problems.append(Problem(exchange.source, "scheme.exchange-no-prizes"))
    seen: dict[str, Source] = {}
    for prize in exchange.prizes:
        if prize.price <= 0:
            problems.append(Problem(prize.source, "scheme.prize-price", {"prize": prize.id, "price": prize.price}))
        for key in (prize.id, prize.name):
            if key in seen and seen[key] != prize.source:
                problems.append(Problem(prize.source, "scheme.duplicate-id", {"id": key, "line": seen[key].line}))
            seen.setdefault(key, prize.source)
    return problems


def _typable_aspect(name: str) -> bool:
    """Whether ``name`` can be typed as an aspect of a form (``jifen eval --aspect 理想信念=9``): it holds no
    digit, space or separator, so ``typed.aspects`` reads it back as itself."""
    try:
        return list(typed.aspects(f"{name}=1")) == [name]
    except InvalidInput:
        return False


def _category_problems(category: Category, scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = []
    where = category.source
    kind = categories.of(category)
    if category.caps and not kind.credits:
        problems.append(Problem(where, "scheme.caps-on-non-bonus", {"category": category.id}))
    if category.requires_total is not None and not kind.credits:
        problems.append(Problem(where, "scheme.requires-total-non-bonus", {"category": category.id}))
    if category.items and not kind.items:
        problems.append(Problem(where, "scheme.items-non-deduct", {"category": category.id}))
    if kind.evaluated and category.rules:
        problems.append(Problem(where, "scheme.evaluation-rules", {"category": category.id}))
    if not kind.evaluated and (category.panels or category.ratings or category.aspects):
        problems.append(Problem(where, "scheme.panels-non-evaluation", {"category": category.id}))
    if kind.wants_rules and kind.needs != ("base",) and not category.rules:
        problems.append(Problem(where, "scheme.no-rules", {"category": category.id}, "warning"))
    if category.split and category.split["member"] + category.split[SECRETARY] == 0:
        problems.append(Problem(where, "scheme.split-empty", {"category": category.id}))
    if category.split and SECRETARY not in scheme.roles:
        problems.append(Problem(where, "scheme.split-needs-secretary", {"category": category.id}))
    if category.split and scheme.holders.get(SECRETARY, 1) > 1:  # whose share would it be?
        problems.append(Problem(where, "scheme.split-many-secretaries",
                                {"category": category.id, "holders": scheme.holders[SECRETARY]}))
    for role in category.base:
        if role and role not in scheme.roles:
            problems.append(Problem(where, "scheme.unknown-role", {"role": role, "roles": ", ".join(scheme.roles) or "-"}))
    for name, marks in category.aspects.items():
        if marks <= 0:
            problems.append(Problem(where, "scheme.aspect-marks", {"category": category.id, "aspect": name, "marks": marks}))
        if not _typable_aspect(name):
            problems.append(Problem(where, "scheme.aspect-name", {"category": category.id, "aspect": name}))
    if category.aspects and category.max is not None and sum(category.aspects.values()) != category.out_of:
        problems.append(Problem(where, "scheme.aspects-mismatch",
                                {"category": category.id, "sum": sum(category.aspects.values()), "out_of": category.out_of}))
    if category.items and category.max is not None:
        added = sum((i.max for i in category.items), Decimal(0))
        if added != category.max:
            problems.append(Problem(where, "scheme.items-mismatch", {"category": category.id, "sum": added, "max": category.max}))
    for rule in category.rules:
        if category.items and rule.item is None:
            problems.append(Problem(rule.source, "scheme.rule-needs-item", {"rule": rule.id, "category": category.id}))
        if rule.item is not None and category.item(rule.item) is None:
            problems.append(Problem(rule.source, "scheme.unknown-item", {"rule": rule.id, "item": rule.item,
                                                                          "items": ", ".join(i.id for i in category.items) or "-"}))
        if rules.KINDS[rule.kind].needs_full and rule.item is None and category.max is None:
            problems.append(Problem(rule.source, "scheme.rule-needs-full", {"rule": rule.id, "kind": rule.kind}))
        if kind.never and rule.kind == "fixed" and rule.params["points"] * kind.never > 0:
            problems.append(Problem(rule.source, "scheme.never-applies", {"rule": rule.id, "category": category.id}))
        full = category.item(rule.item).max if rule.item and category.item(rule.item) else category.max
        if rule.kind == "graded" and full is not None and any(v > full or v < 0 for v in rule.params["levels"].values()):
            problems.append(Problem(rule.source, "scheme.level-outside", {"rule": rule.id, "max": full}))
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
            problems.append(Problem(lower.source, "scheme.band-gap",
                                    {"low": lower.max, "high": upper.min, "band": lower.name}, "warning"))
        elif lower.max is not None and lower.max > upper.min:
            problems.append(Problem(lower.source, "scheme.band-overlap",
                                    {"low": upper.min, "high": lower.max, "band": lower.name}))
    if bands[-1].min is not None:
        problems.append(Problem(bands[-1].source, "scheme.band-no-bottom",
                                {"band": bands[-1].name, "min": bands[-1].min}, "warning"))
    for band in bands:
        if band.quota is not None and band.quota == 0:
            problems.append(Problem(band.source, "scheme.zero-quota", {"band": band.name}))
    return problems
