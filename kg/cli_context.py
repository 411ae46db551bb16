"""What every `kg` command shares: its settings, its store, its client when a server runs it,
and how it reports a user's mistake."""

from __future__ import annotations

import contextvars
import functools
import os
import sys
from dataclasses import dataclass

import click

from kg.content import Content
from kg.dataset import GraphStore
from kg.errors import KGError
from kg.settings import SETTINGS, Settings

ARGV: contextvars.ContextVar = contextvars.ContextVar("kg_argv", default=None)
SERVED: contextvars.ContextVar = contextvars.ContextVar("kg_served", default=None)


@dataclass(frozen=True)
class Served:
    """A command run by the server for a client: the server's store, the client's settings."""

    store: GraphStore
    settings: Settings
    cwd: str


class Group(click.Group):
    """The `kg` group: remembers its arguments, so that a running server can be handed them."""

    def main(self, args=None, *rest, **options):
        argv = list(sys.argv[1:] if args is None else args)
        token = ARGV.set(argv)
        try:
            return super().main(argv, *rest, **options)
        finally:
            ARGV.reset(token)


class LocalPath(click.Path):
    """A file argument, relative to the directory the user typed the command in."""

    def convert(self, value, param, ctx):
        served = SERVED.get()
        if served and isinstance(value, str | os.PathLike) and not os.path.isabs(value):
            value = os.path.join(served.cwd, value)
        return super().convert(value, param, ctx)


def settings_options(func):
    """Add one global option per setting of the settings table."""
    for setting in reversed(SETTINGS):
        func = click.option(
            f"--{setting.name.replace('_', '-')}",
            setting.name,
            default=None,
            help=f"{setting.help} [env {setting.env}; default {setting.default}]",
            show_default=False,
        )(func)
    return func


def handled(func):
    """Turn a `KGError` into a clear message and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KGError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)

    return wrapper


def settings() -> Settings:
    """Return the settings of the running command."""
    return click.get_current_context().find_root().obj


def query_runner():
    """Return how the CLI runs a SPARQL query: in the server's isolated, time-limited worker.

    A remote store needs the network to reach its server, so its queries run in-process
    (after the same parsed guard). A kernel that cannot isolate the worker is named on stderr.
    """
    from kg.sparql import run_query
    from kg.worker import isolation_warning, run_limited

    if settings()["store"].startswith("sparql+"):
        return run_query
    warning = isolation_warning()
    if warning:
        click.echo(warning, err=True)
    return functools.partial(run_limited, timeout=settings().number("query_timeout"))


def content() -> Content:
    """Return the content folders named by the settings."""
    return Content(settings().path("content"))


def open_store() -> GraphStore:
    """Return the server's store for a handed-over command, else open the configured one."""
    from kg.storage import open_configured

    served = SERVED.get()
    if served is not None:
        return served.store
    return open_configured(settings(), wait=LOCK_WAIT, waiting=progress)


LOCK_WAIT = 30.0  # seconds a command waits for another `kg` command to release the store


def progress(message: str) -> None:
    """Show progress of long work on stderr (not with --quiet)."""
    context = click.get_current_context(silent=True)
    if context is None or not context.find_root().meta.get("quiet"):
        click.echo(f"  {message}", err=True)
