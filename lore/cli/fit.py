"""``lore fit MODULE.CLASS [--param value ...]``: fit a model, print its metrics.

Parameters after the model path go to ``fit()``; each is converted to the type of
its default (the estimator's defaults, then the model's ``fit`` signature), so
``--max-depth 4`` arrives as ``4`` and ``--learning-rate 0.1`` as ``0.1``. A name
the model does not accept is refused before any data is read, with "did you mean"
for a near miss; ``lore fit MODULE.CLASS --help`` lists every parameter with its
type and default.

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

from lore.cli.project import convert, enter, import_object, literal, split_options
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


def describe_parameters(model: Any) -> list[tuple[str, str]]:
    """``(--flag TYPE, default)`` rows of every parameter ``model.fit`` accepts, for ``--help``."""
    examples, _ = accepted(model)
    rows = []
    for name, example in sorted(examples.items()):
        kind = example if isinstance(example, type) else type(example)
        label = "VALUE" if example is None else kind.__name__.upper()
        default = "" if example is None or isinstance(example, type) else f"default: {example!r}"
        rows.append((f"{flag(name)} {label}", default))
    return rows


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
        with formatter.section(f"Parameters of {model_class.__name__}.fit (types and defaults)"):
            formatter.write_dl(describe_parameters(model_class()))


def typed(model: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The options converted to their parameters' types; unknown names refused."""
    examples = refuse_unknown(model, list(options))
    return {name: convert(name, value, examples.get(name)) for name, value in options.items()}


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
    from lore.models.base import reports_enabled

    lore.log.setup(enter())  # LORE_ENV=test writes logs/test.log; production JSON lines
    model_class = import_object(model_path, "model", ModelError)
    if not isinstance(model_class, type) or not hasattr(model_class, "fit"):
        raise ModelError(f"{model_path} is not a model class (a subclass of lore.models.Base)")
    model = model_class()
    options = split_options(ctx.args)
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
            model.estimator.set_params(**typed(model, fixed))
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
    params = typed(model, options)
    metrics = model.fit(report=report, **params)
    click.echo(f"Fitted {model_class.__name__} with {params or 'its defaults'}:")
    show_metrics(metrics)
    show_outcome(model, wanted=report if report is not None else model.reports and reports_enabled())
