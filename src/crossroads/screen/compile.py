"""The knowledge-base criteria compiled into one SQL query over the derived-facts table.

Why compile and not rewrite: the indication criteria are data (``kb/data/products``) turned into
``All``/``AnyOf``/``Not``/``Leaf``/``Unsettled`` trees by :mod:`crossroads.logic.rules`; the query
is generated from those very trees, so there is one definition of "on label" for the Python
engine and for set-based screening. The three-valued meaning carries over unchanged: SQL NULL is
unknown and SQL's AND, OR and NOT on NULL are Kleene's, as ``All``, ``AnyOf`` and ``Not`` are.

Why SQLGlot: the query is built once as a SQLGlot expression tree and printed in the dialect of
the engine that runs it (DuckDB now; Spark SQL prints from the same tree), so no engine has a
hand-written copy. Ibis was weighed and not taken: its expressions would have to re-state the
Kleene rules through its own null handling, while SQL already has them.

The query has three steps (common table expressions):

1. ``leaves``: every distinct fact test of every criterion, one BOOLEAN column each;
2. ``weighed``: per indication its status (the gated criterion: the disease test first, as
   :func:`crossroads.engine.classify._gate` does), and per jurisdiction and deciding fact whether
   that fact is missing. A fact is missing when one of its tests is undecided and every node
   above it is undecided too: exactly the leaves :meth:`Trace.decisive` returns for an unknown
   result, which :func:`~crossroads.logic.rules.missing_keys` names;
3. one SELECT per jurisdiction (UNION ALL): the category (as
   :func:`crossroads.engine.classify.category_for` decides it), the on-label products and the
   missing facts, each list sorted and without repeats.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from crossroads.kb import CompiledIndication, Jurisdiction, KnowledgeBase
from crossroads.logic.rules import All, AnyOf, Leaf, Node, Not, Unsettled
from crossroads.screen.columns import PATIENT, FactsSchema

FACTS_TABLE = "facts"
RESULT_COLUMNS = ("patient_id", "jurisdiction", "disease", "category", "on_label", "missing")
_NULL_BOOL = exp.cast(exp.Null(), "BOOLEAN")
_TRUE, _FALSE = exp.true(), exp.false()


class CompileError(ValueError):
    """A criterion shape the SQL compiler does not know (say which, so it can be added)."""


def _col(name: str) -> exp.Column:
    return exp.column(name)


def _num(value: float) -> exp.Expr:
    return exp.Literal.number(value)


def _str(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _case(when_true: exp.Expr, when_false: exp.Expr) -> exp.Expr:
    """TRUE when the first holds, FALSE when the second does, else NULL (unknown)."""
    return exp.case().when(when_true, _TRUE).when(when_false, _FALSE)


def _and(*parts: exp.Expr) -> exp.Expr:
    return exp.and_(*parts, copy=False)


def _or(*parts: exp.Expr) -> exp.Expr:
    return exp.or_(*parts, copy=False)


def _not(part: exp.Expr) -> exp.Expr:
    return exp.not_(exp.paren(part, copy=False), copy=False)


def _is_null(part: exp.Expr) -> exp.Expr:
    return exp.Is(this=exp.paren(part, copy=False), expression=exp.Null())


def _coalesce_false(part: exp.Expr) -> exp.Expr:
    return exp.func("COALESCE", part, _FALSE)


# -- one fact test --------------------------------------------------------------------------
def _interval_test(fact: str, op: str, bound: float) -> exp.Expr:
    """:func:`crossroads.common.values.compare` on ``<fact>__low``/``__high``."""
    low, high, b = _col(f"{fact}__low"), _col(f"{fact}__high"), _num(bound)
    if op == "ge":
        return _case(exp.GTE(this=low, expression=b), exp.LT(this=high, expression=b))
    if op == "gt":
        return _case(exp.GT(this=low, expression=b), exp.LTE(this=high, expression=b))
    if op == "le":
        return _case(exp.LTE(this=high, expression=b), exp.GT(this=low, expression=b))
    if op == "lt":
        return _case(exp.LT(this=high, expression=b), exp.GTE(this=low, expression=b))
    if op == "eq":
        return _case(
            _and(exp.EQ(this=low, expression=b), exp.EQ(this=high, expression=b.copy())),
            _or(
                exp.LT(this=b.copy(), expression=low.copy()),
                exp.GT(this=b.copy(), expression=high.copy()),
            ),
        )
    raise CompileError(f"{fact}: no SQL for number comparison {op!r}")


@dataclass(frozen=True)
class _Side:
    """One end of a stored span (months and days) compared with ``n`` whole months."""

    months: exp.Expr
    days: exp.Expr

    def ge(self, n: int) -> exp.Expr:
        return exp.GTE(this=self.months.copy(), expression=_num(n))

    def gt(self, n: int) -> exp.Expr:
        return _or(
            exp.GT(this=self.months.copy(), expression=_num(n)),
            exp.paren(
                _and(
                    exp.EQ(this=self.months.copy(), expression=_num(n)),
                    exp.GT(this=self.days.copy(), expression=_num(0)),
                )
            ),
        )

    def le(self, n: int) -> exp.Expr:
        return _or(
            exp.LT(this=self.months.copy(), expression=_num(n)),
            exp.paren(
                _and(
                    exp.EQ(this=self.months.copy(), expression=_num(n)),
                    exp.EQ(this=self.days.copy(), expression=_num(0)),
                )
            ),
        )

    def lt(self, n: int) -> exp.Expr:
        return exp.LT(this=self.months.copy(), expression=_num(n))


def _span_test(fact: str, op: str, bound: float) -> exp.Expr:
    """:func:`crossroads.common.values.compare_span`: elapsed (months, days) at each end against
    ``bound`` whole months, an open end never deciding."""
    if bound != int(bound):
        raise CompileError(f"{fact}: a month window must be a whole number, not {bound}")
    n = int(bound)
    low = _Side(_col(f"{fact}__low_months"), _col(f"{fact}__low_days"))
    high = _Side(_col(f"{fact}__high_months"), _col(f"{fact}__high_days"))
    if op == "ge":
        return _case(low.ge(n), high.lt(n))
    if op == "gt":
        return _case(low.gt(n), high.le(n))
    if op == "le":
        return _case(high.le(n), low.gt(n))
    if op == "lt":
        return _case(high.lt(n), low.ge(n))
    if op == "eq":
        exact = _and(
            exp.EQ(this=low.months.copy(), expression=_num(n)),
            exp.EQ(this=low.days.copy(), expression=_num(0)),
            exp.EQ(this=high.months.copy(), expression=_num(n)),
            exp.EQ(this=high.days.copy(), expression=_num(0)),
        )
        return _case(exact, _or(exp.paren(low.gt(n)), exp.paren(high.lt(n))))
    raise CompileError(f"{fact}: no SQL for month comparison {op!r}")


def _has(fact: str, member: str) -> exp.Expr:
    """:meth:`crossroads.common.values.SetValue.has`: present, ruled out, or unknown."""
    members, complete, could = (
        _col(f"{fact}__members"),
        _col(f"{fact}__complete"),
        _col(f"{fact}__could_add"),
    )
    ruled_out = _or(
        complete,
        exp.paren(
            _and(
                exp.not_(exp.Is(this=could, expression=exp.Null())),
                exp.not_(exp.ArrayContains(this=could.copy(), expression=_str(member))),
            )
        ),
    )
    return (
        exp.case()
        .when(exp.Is(this=members, expression=exp.Null()), _NULL_BOOL.copy())
        .when(exp.ArrayContains(this=members.copy(), expression=_str(member)), _TRUE)
        .when(ruled_out, _FALSE)
    )


def leaf_sql(leaf: Leaf, schema: FactsSchema) -> exp.Expr:
    """One fact test as a three-valued SQL expression (NULL: unknown)."""
    try:
        form = schema.of(leaf.fact).form
    except KeyError:
        raise CompileError(f"{leaf.fact}: not a column of the derived-facts table") from None
    op, value = leaf.op, leaf.value
    if form == "bool" and op == "is":
        return exp.EQ(this=_col(leaf.fact), expression=_TRUE if value else _FALSE)
    if form == "code" and op == "eq":
        return exp.EQ(this=_col(leaf.fact), expression=_str(value))
    if form == "code" and op in ("in", "not_in"):
        test = _col(leaf.fact).isin(*(_str(v) for v in value))
        return test if op == "in" else _not(test)
    if form == "interval":
        return _interval_test(leaf.fact, op, value)
    if form == "span":
        return _span_test(leaf.fact, op, value)
    if form == "set" and op in ("includes_any", "includes_all", "excludes_all"):
        tests = [exp.paren(_has(leaf.fact, m)) for m in value]
        if op == "includes_all":
            return _and(*tests)
        found = _or(*tests)
        return found if op == "includes_any" else _not(found)
    raise CompileError(f"{leaf.fact}: no SQL for a {form} fact tested with {op!r}")


# -- whole criteria -------------------------------------------------------------------------
def gated(compiled: CompiledIndication) -> All:
    """The indication's criterion behind its disease test (as the Python engine weighs it)."""
    return All((Leaf("disease", "in", (compiled.indication.disease,)), compiled.criterion))


def missing_key(node: Leaf | Unsettled) -> str:
    """The name a missing leaf gets (as :func:`crossroads.logic.rules.missing_keys`)."""
    return node.fact if isinstance(node, Leaf) else f"kb:{node.text['en']}"


@dataclass
class _Leaves:
    """Every distinct fact test, each a column of the first step."""

    schema: FactsSchema
    names: dict[tuple[str, str, object], str] = field(default_factory=dict)
    exprs: list[exp.Expr] = field(default_factory=list)
    nodes: dict[int, tuple[str, int, Node]] = field(default_factory=dict)
    levels: dict[int, list[exp.Expr]] = field(default_factory=dict)

    def height(self, node: Node) -> int:
        """0 for a fact test or unsettled knowledge, else one more than its highest part."""
        found = self.nodes.get(id(node))
        return found[1] if found else 0

    def steps(self, keep: Sequence[str]) -> tuple[list[tuple[str, exp.Select]], str]:
        """The common table expressions: the leaf tests, then one step per node height, each
        keeping what came before; and the name of the last step."""
        first = exp.select(*(_col(k) for k in keep), *self.exprs).from_(FACTS_TABLE)
        steps: list[tuple[str, exp.Select]] = [("leaves", first)]
        for height in sorted(self.levels):
            name = f"level{height}"
            step = exp.select(exp.Star(), *self.levels[height]).from_(steps[-1][0])
            steps.append((name, step))
        return steps, steps[-1][0]

    def ref(self, leaf: Leaf) -> exp.Expr:
        key = (leaf.fact, leaf.op, leaf.value)
        if key not in self.names:
            name = f"l{len(self.names)}"
            self.names[key] = name
            self.exprs.append(exp.alias_(leaf_sql(leaf, self.schema), name))
        return _col(self.names[key])


def node_sql(node: Node, leaves: _Leaves) -> exp.Expr:
    """A criterion tree as SQL over the leaf columns (Kleene AND/OR/NOT).

    Each ``all``/``any``/``not`` node becomes a column of its own, computed once from its
    children's columns in the step for its height (see :meth:`_Leaves.steps`), so a node that
    the missing-fact conditions test again is never evaluated twice.
    """
    if isinstance(node, Leaf):
        return leaves.ref(node)
    if isinstance(node, Unsettled):
        return _NULL_BOOL.copy()
    key = id(node)
    if key not in leaves.nodes:
        if isinstance(node, Not):
            parts: tuple[Node, ...] = (node.part,)
            expr = _not(node_sql(node.part, leaves))
        elif isinstance(node, (All, AnyOf)):
            parts = node.parts
            joined = [exp.paren(node_sql(p, leaves)) for p in parts]
            expr = _and(*joined) if isinstance(node, All) else _or(*joined)
        else:  # pragma: no cover - Node is a closed union
            raise CompileError(f"no SQL for criterion node {type(node).__name__}")
        height = 1 + max(leaves.height(p) for p in parts)
        name = f"n{len(leaves.nodes)}"
        leaves.nodes[key] = (name, height, node)
        leaves.levels.setdefault(height, []).append(exp.alias_(expr, name))
    return _col(leaves.nodes[key][0])


def _paths(
    node: Node, above: tuple[Node, ...] = ()
) -> Iterator[tuple[Leaf | Unsettled, tuple[Node, ...]]]:
    """Each leaf with the nodes above it (root first)."""
    if isinstance(node, (Leaf, Unsettled)):
        yield node, above
    elif isinstance(node, Not):
        yield from _paths(node.part, (*above, node))
    elif isinstance(node, (All, AnyOf)):
        for part in node.parts:
            yield from _paths(part, (*above, node))


def _missing_when(leaf: Leaf | Unsettled, above: tuple[Node, ...], leaves: _Leaves) -> exp.Expr:
    """Whether this leaf names a missing fact: it and every node above it are undecided."""
    tests = [_is_null(node_sql(n, leaves)) for n in above]
    if isinstance(leaf, Leaf):
        tests.append(_is_null(leaves.ref(leaf)))
    return _and(*tests) if tests else _TRUE


@dataclass(frozen=True)
class ScreenPlan:
    """The compiled query, with what it was compiled from."""

    query: exp.Expr
    jurisdictions: tuple[Jurisdiction, ...]
    indications: int
    leaves: int

    def sql(self, dialect: str = "duckdb", pretty: bool = False) -> str:
        """The query in one engine's SQL dialect (``duckdb``, ``spark``, ...)."""
        return self.query.sql(dialect=dialect, pretty=pretty)


def _sorted_list(items: Sequence[tuple[str, exp.Expr]]) -> exp.Expr:
    """A list of the names whose condition holds, in the given (sorted) order.

    Built as ``FLATTEN([CASE WHEN c THEN ['name'] ELSE [] END, ...])``, not as a filter of
    NULLs with a lambda: the same list, and on DuckDB about a sixth less work for the whole
    query (the lists are the last and largest step); Spark has ``flatten`` too.
    """
    empty = exp.cast(exp.Array(expressions=[]), "VARCHAR[]")
    if not items:
        return empty
    parts = [
        exp.case().when(cond, exp.Array(expressions=[_str(name)])).else_(empty.copy())
        for name, cond in items
    ]
    return exp.Flatten(this=exp.Array(expressions=parts))


def compile_plan(
    kb: KnowledgeBase, schema: FactsSchema, jurisdictions: Sequence[Jurisdiction]
) -> ScreenPlan:
    """Compile every indication of the given jurisdictions, and the category rule, into SQL."""
    leaves = _Leaves(schema)
    weighed: list[exp.Expr] = [_col(PATIENT), _col("disease")]
    per_place: dict[Jurisdiction, list[tuple[CompiledIndication, str]]] = {}
    missing: dict[Jurisdiction, list[tuple[str, str]]] = {}
    count = 0
    for place in jurisdictions:
        found = [c for c in kb.all_indications() if c.indication.jurisdiction == place]
        per_place[place] = []
        conditions: dict[str, list[exp.Expr]] = {}
        for compiled in found:
            name = f"i{count}"
            count += 1
            tree = gated(compiled)
            weighed.append(exp.alias_(node_sql(tree, leaves), name))
            per_place[place].append((compiled, name))
            for leaf, above in _paths(tree):
                conditions.setdefault(missing_key(leaf), []).append(
                    _missing_when(leaf, above, leaves)
                )
        missing[place] = []
        for n, key in enumerate(sorted(conditions)):
            name = f"m_{place}_{n}"
            weighed.append(exp.alias_(_or(*(exp.paren(c) for c in conditions[key])), name))
            missing[place].append((key, name))
    steps, last = leaves.steps([PATIENT, "disease"])
    second = exp.select(*weighed).from_(last)
    selects = [
        _place_select(kb, place, per_place[place], missing[place]) for place in jurisdictions
    ]
    union: exp.Expr = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    for name, step in [*steps, ("weighed", second)]:
        union = union.with_(name, as_=step)  # type: ignore[attr-defined]
    query = union
    return ScreenPlan(query, tuple(jurisdictions), count, len(leaves.names))


def _place_select(
    kb: KnowledgeBase,
    place: Jurisdiction,
    indications: list[tuple[CompiledIndication, str]],
    missing: list[tuple[str, str]],
) -> exp.Select:
    disease = _col("disease")
    out_of_scope = sorted(code for code, d in kb.diseases.items() if not d.in_scope)
    trials = sorted(
        code
        for code, d in kb.diseases.items()
        if d.car_t_trials.get(place) is not None and d.car_t_trials[place].open
    )
    on_label = [_coalesce_false(_col(name)) for _, name in indications]
    undecided = [_is_null(_col(name)) for _, name in indications]
    unknown_disease = _or(
        exp.Is(this=disease.copy(), expression=exp.Null()),
        _not(disease.copy().isin(*(_str(c) for c in sorted(kb.diseases)))),
    )
    category = exp.case()
    if out_of_scope:
        category = category.when(
            disease.copy().isin(*(_str(c) for c in out_of_scope)), _str("not_realistic_now")
        )
    if on_label:
        category = category.when(_or(*on_label), _str("established"))
    category = category.when(_or(*undecided, unknown_disease), _str("cannot_tell"))
    if trials:
        category = category.when(disease.copy().isin(*(_str(c) for c in trials)), _str("trial"))
    category = category.else_(_str("not_realistic_now"))
    products: dict[str, list[exp.Expr]] = {}
    for compiled, name in indications:
        products.setdefault(compiled.product.code, []).append(_coalesce_false(_col(name)))
    product_list = _sorted_list([(code, _or(*conds)) for code, conds in sorted(products.items())])
    missing_list = _sorted_list([(key, _col(name)) for key, name in missing])
    return exp.select(
        _col(PATIENT),
        exp.alias_(_str(place), "jurisdiction"),
        disease,
        exp.alias_(category, "category"),
        exp.alias_(product_list, "on_label"),
        exp.alias_(missing_list, "missing"),
    ).from_("weighed")


def criterion_select(node: Node, schema: FactsSchema) -> exp.Expr:
    """One criterion over the facts table: per patient its result and its missing facts.

    The same compilation as :func:`compile_plan` for a single tree, so the property tests can
    hold any criterion the language allows against :meth:`Node.evaluate`.
    """
    leaves = _Leaves(schema)
    result = node_sql(node, leaves)
    conditions: dict[str, list[exp.Expr]] = {}
    for leaf, above in _paths(node):
        conditions.setdefault(missing_key(leaf), []).append(_missing_when(leaf, above, leaves))
    missing = _sorted_list(
        [(key, _or(*(exp.paren(c) for c in conds))) for key, conds in sorted(conditions.items())]
    )
    steps, last = leaves.steps([PATIENT])
    select = exp.select(
        _col(PATIENT), exp.alias_(result, "result"), exp.alias_(missing, "missing")
    ).from_(last)
    for name, step in steps:
        select = select.with_(name, as_=step)
    return select
