"""The command line beside a running server: hand each command to it, and run it there."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from kg.channel import STREAMS, Channel, delegate, socket_path
from kg.cli_context import SERVED, Served
from kg.dataset import GraphStore
from kg.settings import PATH_SETTINGS, Settings

log = logging.getLogger(__name__)
HELP = ("--help", "-h")


def hand_over(ctx: click.Context, argv: list[str]) -> None:
    """Carry out the command in the server running on this store, if one runs; then exit."""
    if any(arg in HELP for arg in argv):
        return  # help needs no store
    settings = ctx.obj
    path = socket_path(settings["store"])
    if ctx.invoked_subcommand == "serve":
        if delegate(path, {"argv": ["--version-check"]}, _Null(), _Null()) is not None:
            raise click.ClickException(f"a server already serves this store (channel {path})")
        return
    request = {"argv": argv, "cwd": os.getcwd(), "settings": absolute(settings).values}
    code = delegate(path, request, sys.stdout, sys.stderr)
    if code is not None:
        ctx.exit(code)


def absolute(settings: Settings) -> Settings:
    """Return the settings with every path made absolute, as the server must read them."""
    values = dict(settings.values)
    for name in PATH_SETTINGS:
        if not values[name].startswith("sparql+"):
            values[name] = str(Path(values[name]).resolve())
    return Settings(values)


def open_channel(store: GraphStore, settings: Settings, group: click.Group) -> Channel:
    """Start serving command-line clients of this store on its channel with the `kg` group."""
    path = socket_path(absolute(settings)["store"])
    return Channel(
        path, lambda request, out, err: run_for_client(store, settings, group, request, out, err)
    ).start()


def run_for_client(
    store: GraphStore, own: Settings, group: click.Group, request: dict, out, err
) -> int:
    """Run one client's command here, on the server's store, writing to the client."""
    argv = request.get("argv")
    if argv == ["--version-check"]:
        return 0
    try:
        client = Settings({**own.values, **dict(request.get("settings") or {})})
    except TypeError:
        client = own
    if not _same_store(client["store"], own["store"]):
        err(f"error: this server serves {own['store']}, not {client['store']}\n")
        return 2
    streams = STREAMS.set((out, err))
    served = SERVED.set(Served(store, client, str(request.get("cwd") or "/")))
    try:
        return _invoke(group, [str(a) for a in argv or []])
    finally:
        SERVED.reset(served)
        STREAMS.reset(streams)


def _invoke(group: click.Group, argv: list[str]) -> int:
    """Run the `kg` group on `argv` and return its exit status, as the console would."""
    try:
        result = group.main(args=argv, prog_name="kg", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except Exception as err:  # the edge: a client's command must never stop the server
        log.exception("command %s failed", argv)
        click.echo(f"error: the server could not run the command: {err}", err=True)
        return 1


def _same_store(one: str, other: str) -> bool:
    if one.startswith("sparql+") or other.startswith("sparql+"):
        return one == other
    return Path(one).resolve() == Path(other).resolve()


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
