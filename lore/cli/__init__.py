"""The ``lore`` command: one click group whose subcommands load only when invoked.

Each subcommand lives in its own module of this package and is named in
:data:`COMMANDS`; ``lore --help`` lists them without importing any of them, so it
starts in a few tens of milliseconds and imports no data library. The click group
itself (:mod:`lore.cli.group`) loads on first use, so that a bare ``lore install``
with nothing to do (:mod:`lore.cli.noop`) answers without importing click.

>>> from click.testing import CliRunner
>>> from lore.cli import cli
>>> CliRunner().invoke(cli, ["--version"]).output.startswith("lore, version")
True
"""

from __future__ import annotations

import sys
from typing import Any

from lore.errors import LoreError
from lore.util import mask_text

#: command name -> ("module under lore.cli", "click command attribute", "one-line help")
COMMANDS: dict[str, tuple[str, str, str]] = {
    "api": ("api", "api", "Serve the project's models over HTTP."),
    "env": ("env", "env", "Show the project root, environment and where each setting came from."),
    "init": ("init", "init", "Create a new project, with an example that fits at once."),
    "install": ("install", "install", "Make the project's virtualenv and install its locked requirements."),
    "fit": ("fit", "fit", "Fit a model (MODULE.CLASS) with --param value options; print its metrics."),
    "test": ("test", "test", "Run the project's tests with LORE_ENV=test."),
    "generate": (
        "generate",
        "generate",
        "Add a model, pipeline, estimator, test, notebook... to the project.",
    ),
    "console": ("console", "console", "An interactive shell with the project loaded."),
    "notebook": ("notebook", "notebook", "Jupyter Notebook in notebooks/, with the project's kernel."),
    "lab": ("notebook", "lab", "JupyterLab in notebooks/, with the project's kernel."),
    "pip": ("passthrough", "pip", "Run the virtualenv's pip."),
    "python": ("passthrough", "python", "Run the virtualenv's python."),
    "exec": ("passthrough", "exec_", "Run a command inside the virtualenv."),
    "workflow": ("workflow", "workflow", "Run a workflow's stages, reusing unchanged results."),
    "task": ("task", "task", "Run a function of the app's tasks module with arguments."),
    "lint": ("lint", "lint", "Check the workflow docstring conventions and run ruff."),
    "models": ("models", "models", "List the fitted models: fittings, latest, aliases, best metric."),
    "show": ("show", "show", "Show one fitting: metrics, parameters, timings, report."),
    "compare": ("compare", "compare", "Compare two fittings: metric deltas and changed parameters."),
    "promote": ("promote", "promote", "Point an alias (production) at a verified fitting; upload it."),
    "upload": ("upload", "upload", "Upload a fitting and its aliases to S3."),
    "download": ("download", "download", "Download and verify a fitting from S3."),
    "prune": ("prune", "prune", "Delete old fittings, keeping the newest N and every aliased one."),
    "ui": ("ui", "ui", "A local web app over the model store: models, reports, compare, promote."),
    "predict": ("predict", "predict", "Score a file, stdin or an extract in chunks into a file or table."),
    "monitor": ("monitor", "monitor", "Drift and performance of a served model's logged predictions."),
}


def __getattr__(name: str) -> Any:
    """``lore.cli.cli`` and ``lore.cli.LazyGroup``, imported with click on first use."""
    if name in {"cli", "LazyGroup"}:
        from lore.cli import group

        return getattr(group, name)
    raise AttributeError(f"module 'lore.cli' has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lore`` console script; user errors are one line on stderr."""
    if argv is None and sys.argv[1:] == ["install"]:
        from lore.cli.noop import up_to_date

        message = up_to_date()
        if message is not None:
            print(message)
            return 0
    import click

    from lore.cli.group import cli

    try:
        if argv is None:  # a real command line: run it in the project's virtualenv
            from lore.cli.bootstrap import reexec

            reexec(sys.argv[1:])
        status = cli.main(args=argv, prog_name="lore", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        click.echo("lore: aborted", err=True)
        return 130
    except click.UsageError as error:
        path = error.ctx.command_path if error.ctx else "lore"
        click.echo(f"lore: {error.format_message()} (see `{path} --help`)", err=True)
        return 2
    except click.ClickException as error:
        click.echo(f"lore: {mask_text(error.format_message())}", err=True)
        return error.exit_code
    except LoreError as error:
        click.echo(f"lore: {mask_text(str(error))}", err=True)
        return 1
    return status if isinstance(status, int) else 0  # ctx.exit(n) of a pass-through command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
