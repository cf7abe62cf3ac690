"""``lore fit MODULE.CLASS [--param value ...]``: fit a model, print its metrics.

Parameters after the model path go to ``fit()``. Once the model is known,
:func:`parameter_command` builds a click command with one option per parameter (the
estimator's defaults, then the model's ``fit`` signature), typed from its default and
bounded by the estimator's ``ranges``, so ``--max-depth 4`` arrives as ``4``,
``--learning-rate 0.1`` as ``0.1`` and ``--max-depth -3`` is refused; a bool is a
``--name/--no-name`` pair. A name the model does not accept is refused before any
data is read, with "did you mean" for a near miss; ``lore fit MODULE.CLASS --help``
lists every option with its type, default and range.

``--search trials=50[,timeout=600]`` runs the hyper-parameter search instead: the
space is the model class's ``search_space`` (``{"max_depth": (2, 8)}``), extended
by parameters written as ranges (``--max-depth 2:8``) or choices
(``--booster gbtree|dart``).

>>> parse_search("trials=50,timeout=60")
{'trials': 50, 'timeout': 60}
"""

from __future__ import annotations

import inspect
from typing import Any

import click

from lore.cli.project import enter, import_object, literal, split_options
from lore.errors import ModelError, UnknownParameter


def parse_search(text: str) -> dict[str, Any]:
    """``trials=50,timeout=60`` -> ``{"trials": 50, "timeout": 60}``."""
    settings: dict[str, Any] = {}
    for part in filter(None, text.split(",")):
        key, equals, value = part.partition("=")
        if not equals or key.strip() not in {"trials", "timeout"}:
            raise click.BadParameter(f"--search takes trials=N[,timeout=SECONDS], not {part!r}")
        number = literal(value.strip())
        whole = isinstance(number, int) and not isinstance(number, bool)
        if key.strip() == "trials" and not (whole and number >= 1):
            raise click.BadParameter(f"--search trials must be a whole number of at least 1, not {value!r}")
        if key.strip() == "timeout" and not (
            isinstance(number, (int, float)) and not isinstance(number, bool) and 0 < number < float("inf")
        ):
            raise click.BadParameter(f"--search timeout must be a positive number of seconds, not {value!r}")
        settings[key.strip()] = number
    return settings


def accepted(model: Any) -> tuple[dict[str, Any], bool]:
    """Parameter name -> an example of its type; and whether any other name is allowed."""
    examples: dict[str, Any] = {}
    open_ended = True
    estimator = getattr(model, "estimator", None)
    if estimator is not None and hasattr(estimator, "valid_parameters"):
        examples.update(dict.fromkeys(estimator.valid_parameters()))
        examples.update(estimator.get_params())
        open_ended = False
    signature = inspect.signature(model.fit)
    for name, parameter in signature.parameters.items():
        if name == "report":
            continue  # lore fit's own --report/--no-report
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            open_ended = open_ended and estimator is None
        elif parameter.kind is not inspect.Parameter.VAR_POSITIONAL:
            example = parameter.default if parameter.default is not inspect.Parameter.empty else None
            if example is None and parameter.annotation is not inspect.Parameter.empty:
                example = parameter.annotation
            examples[name] = example
    return examples, open_ended


#: Annotations written as strings (``from __future__ import annotations``) -> their type.
ANNOTATIONS = {"int": int, "float": float, "bool": bool, "str": str}


def flag(name: str) -> str:
    """``max_depth`` -> ``--max-depth``."""
    return "--" + name.replace("_", "-")


def refuse_unknown(model: Any, names: list[str]) -> dict[str, Any]:
    """Raise :class:`UnknownParameter` for names the model does not accept; return the examples.

    A near miss gets "did you mean"; otherwise the message points at ``--help``, which
    lists every parameter with its type and default.
    """
    import difflib

    examples, open_ended = accepted(model)
    unknown = sorted(name for name in names if name not in examples)
    if unknown and not open_ended:
        name = unknown[0]
        close = difflib.get_close_matches(name, list(examples), n=1, cutoff=0.6)
        hint = (
            f"did you mean {flag(close[0])}?"
            if close
            else f"lore fit {type(model).__module__}.{type(model).__name__} --help lists the "
            f"{len(examples)} it accepts"
        )
        flags = ", ".join(flag(name) for name in unknown)
        raise UnknownParameter(f"{type(model).__name__} does not accept {flags}; {hint}")
    return examples


class Value(click.ParamType):
    """A parameter's value: ``kind`` (``int``, ``float``, ``str``, or ``None`` for "as written"),
    within ``(low, high)`` when the estimator (``owner``) declares a range.

    With ``searching``, a range (``2:8``) or choices (``gbtree|dart``) pass as written,
    for :func:`search_space`.

    >>> Value(int, 0, None).convert("4", None, None)
    4
    """

    def __init__(
        self,
        kind: type | None,
        low: float | None,
        high: float | None,
        searching: bool = False,
        owner: str = "",
    ):
        self.kind, self.low, self.high, self.searching, self.owner = kind, low, high, searching, owner
        self.name = "value" if kind is None else kind.__name__

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        if self.searching and (":" in value or "|" in value):
            return value
        if self.kind is None:
            number = literal(value)
        else:
            try:
                number = self.kind(value)
            except ValueError:
                name = param.opts[0] if param is not None else "the value"
                raise click.UsageError(f"{name} expects {self.kind.__name__}, got {value!r}", ctx) from None
        if self.low is not None or self.high is not None:
            from lore.estimators.base import check_ranges

            name = param.name if param is not None and param.name else "value"
            check_ranges(self.owner, {name: number}, {name: (self.low, self.high)})
        return number


def kind_of(example: Any) -> type | None:
    """The type a parameter's values take, from its default or annotation; ``None``: as written."""
    if isinstance(example, str) and example in ANNOTATIONS:
        return ANNOTATIONS[example]
    kind = example if isinstance(example, type) else type(example)
    return kind if kind in (bool, int, float, str) else None


def parameter_command(model: Any, searching: bool = False) -> click.Command:
    """A click command with one option per parameter ``model.fit`` accepts.

    Each option is typed from the parameter's default (or annotation) and bounded by
    the estimator's declared ``ranges``; a bool is a ``--name/--no-name`` flag pair; a
    parameter without a default takes a value as written (``4`` an int, ``none``
    ``None``). An unknown name is refused with "did you mean" (:func:`refuse_unknown`);
    a model whose ``fit`` takes any keyword passes unknown names through as written.
    """
    examples, open_ended = accepted(model)
    estimator = getattr(model, "estimator", None)
    ranges = getattr(estimator, "ranges", {}) or {}
    options = []
    for name, example in sorted(examples.items()):
        kind = kind_of(example)
        low, high = ranges.get(name, (None, None))
        annotation = isinstance(example, type) or (isinstance(example, str) and example in ANNOTATIONS)
        default = None if annotation else example
        described = [] if default is None else [f"default: {default!r}"]
        if low is not None or high is not None:
            described.append(f"range: {'' if low is None else low}..{'' if high is None else high}")
        if kind is bool:
            options.append(
                click.Option(
                    [f"{flag(name)}/--no-{flag(name)[2:]}", name], default=default, help="; ".join(described)
                )
            )
            continue
        options.append(
            click.Option(
                [flag(name), name],
                type=Value(kind, low, high, searching, type(estimator).__name__),
                default=default,
                metavar="VALUE" if kind is None else kind.__name__.upper(),
                help="; ".join(described),
            )
        )
    return ParameterCommand(
        type(model).__name__,
        model=model,
        params=options,
        context_settings={
            "ignore_unknown_options": open_ended,
            "allow_extra_args": True,
            "help_option_names": [],
        },
    )


class ParameterCommand(click.Command):
    """The options of one model's parameters; an unknown one answered by :func:`refuse_unknown`."""

    def __init__(self, name: str, model: Any, **settings: Any) -> None:
        super().__init__(name, **settings)
        self.model = model

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            refuse_unknown(self.model, [error.option_name.lstrip("-").replace("-", "_")])
            raise


def parse_parameters(model: Any, args: list[str], searching: bool = False) -> dict[str, Any]:
    """The parameters given on the command line, typed by :func:`parameter_command`.

    Parameters
    ----------
    model
        The model whose ``fit`` receives them.
    args
        What follows the model path: ``["--max-depth", "4", "--no-shuffle"]``.
    searching
        Whether ranges (``2:8``) and choices (``a|b``) pass as written, for ``--search``.

    Returns
    -------
    dict
        Only the parameters written; the others keep the estimator's defaults.

    Raises
    ------
    UnknownParameter
        For a name the model does not accept, with "did you mean" for a near miss.
    click.UsageError
        For a value of the wrong type or out of the estimator's range.

    Examples
    --------
    >>> class Model:
    ...     def fit(self, depth=3, shuffle=True):
    ...         return {}
    >>> parse_parameters(Model(), ["--depth", "4", "--no-shuffle"])
    {'depth': 4, 'shuffle': False}
    """
    from click.core import ParameterSource

    command = parameter_command(model, searching)
    path = f"lore fit {type(model).__module__}.{type(model).__name__}"
    with command.make_context(path, list(args)) as ctx:
        given = {
            name: value
            for name, value in ctx.params.items()
            if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE
        }
        extra = {
            name: literal(value) if isinstance(value, str) else value
            for name, value in split_options(ctx.args).items()
        }
    return {**given, **extra}


class FitCommand(click.Command):
    """``lore fit``, whose ``--help`` after a model path lists that model's parameters."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((arg for arg in args if not arg.startswith("-")), None)
        ctx.meta["lore.fit.model"] = first
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help(ctx, formatter)
        path = ctx.meta.get("lore.fit.model")
        if not path:
            return
        enter()
        model_class = import_object(path, "model", ModelError)
        command = parameter_command(model_class())
        records = [param.get_help_record(ctx) for param in command.params]
        with formatter.section(f"Parameters of {model_class.__name__}.fit (types and defaults)"):
            formatter.write_dl([record for record in records if record is not None])


def search_space(model: Any, options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split options into search-space entries (ranges, choices) and fixed parameters."""
    space = dict(getattr(model, "search_space", None) or {})
    fixed = {}
    for name, value in options.items():
        if isinstance(value, str) and ":" in value:
            low, high = (literal(part) for part in value.split(":", 1))
            space[name] = (low, high)
        elif isinstance(value, str) and "|" in value:
            space[name] = [literal(part) for part in value.split("|")]
        else:
            fixed[name] = value
    return space, fixed


def show_metrics(metrics: dict[str, Any]) -> None:
    """The metrics as a table: one row per split, one column per metric."""
    from lore.cli import fittings

    names = list(
        dict.fromkeys(key for values in metrics.values() if isinstance(values, dict) for key in values)
    )
    rows = [{"split": split, **values} for split, values in metrics.items() if isinstance(values, dict)]
    click.echo("\n".join("  " + line for line in fittings.table(rows, ["split", *names]).splitlines()))


def show_outcome(model: Any, wanted: bool = True) -> None:
    """Why training stopped, where the fitting is, and its report (or how to get one)."""
    from lore.models.report import FOLDER, stopping

    click.echo(f"  stopped: {stopping(model.history or {}, model.params or {})}")
    folder = getattr(model, "fitting_path_", None)
    if folder is None:
        return
    click.echo(f"Saved fitting {model.fitting} of {model.name()} in {folder}")
    show_report(folder / FOLDER / "report.html", wanted)


def show_report(page: Any, wanted: bool = True) -> None:
    """The report's path, or how to get reports; ``wanted`` is false when reports were turned off."""
    if page.is_file():
        click.echo(f"  report: {page}")
    elif not wanted:
        click.echo("  report: none (turned off by --no-report or LORE_REPORTS=0)")
    else:
        click.echo('  report: none (pip install "lore-ml[report]" for plots and reports)')


@click.command(cls=FitCommand, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("model_path", metavar="MODULE.CLASS")
@click.option("--search", metavar="trials=N[,timeout=S]", help="Run a hyper-parameter search instead.")
@click.option(
    "--report/--no-report",
    default=None,
    help="Write the fitting's report (plots, model card), or not; default: the LORE_REPORTS setting (on).",
)
@click.pass_context
def fit(ctx: click.Context, model_path: str, search: str | None, report: bool | None) -> None:
    """Fit MODULE.CLASS (e.g. my_app.models.subscribers.BoostedName) and save the fitting.

    Any --name value after it is a parameter of fit() (--num-boost-round 50);
    `lore fit MODULE.CLASS --help` lists them with their types and defaults.
    """
    import lore.log
    from lore.models.report import reports_enabled

    lore.log.setup(enter())  # LORE_ENV=test writes logs/test.log; production JSON lines
    model_class = import_object(model_path, "model", ModelError)
    if not isinstance(model_class, type) or not hasattr(model_class, "fit"):
        raise ModelError(f"{model_path} is not a model class (a subclass of lore.models.Base)")
    model = model_class()
    options = parse_parameters(model, ctx.args, searching=search is not None)
    if search is not None:
        settings = parse_search(search)
        space, fixed = search_space(model, options)
        if not space:
            raise ModelError(
                f"{model_class.__name__} has no search space: give it a search_space class attribute "
                "or pass ranges such as --max-depth 2:8"
            )
        refuse_unknown(model, [*space, *fixed])  # before any data is read
        if report is False:
            model.reports = False  # the best trial gets no report either
        if fixed:
            model.estimator.set_params(**fixed)
        result = model.hyper_parameter_search(space, **settings)
        click.echo(
            f"Best of {result.trials} trials: fitting {result.fitting}, validation loss {result.value:.4g}"
        )
        click.echo(f"  parameters: {result.params}")
        folder = getattr(model, "fitting_path_", None)
        if folder is not None:
            from lore.models.report import FOLDER

            show_report(folder / FOLDER / "report.html", model.reports and reports_enabled())
        return
    metrics = model.fit(report=report, **options)
    click.echo(f"Fitted {model_class.__name__} with {options or 'its defaults'}:")
    show_metrics(metrics)
    show_outcome(model, wanted=report if report is not None else model.reports and reports_enabled())
