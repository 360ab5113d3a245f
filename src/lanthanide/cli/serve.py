"""`lanthanide serve`: the REST API on a local port; `serve keys create` issues an API key."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from lanthanide.cli.common import DbOption, default_db, settings
from lanthanide.errors import ConfigError

app = typer.Typer(
    help="Serve the REST API (/api/v1/...) over the same service functions as the CLI.",
    invoke_without_command=True,
)
keys_app = typer.Typer(help="Create API keys (each key is a tenant).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

KeysFile = Annotated[
    Path | None,
    typer.Option(
        "--keys-file",
        help="Key file (hashes only). Default: api-keys.json beside the default store.",
        show_default=False,
    ),
]


def default_keys_file() -> Path:
    """Where keys live unless told otherwise: beside the default store."""
    return default_db().parent / "api-keys.json"


@app.callback()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    db: DbOption = None,
    keys_file: KeysFile = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler ADDRESS: simulation jobs send their chunks there "
            "(default: each job runs in a local process)."
        ),
    ] = None,
) -> None:
    """Serve the API. Without keys it listens on loopback only; any other host requires keys."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn  # noqa: PLC0415 - the server is imported only when serving

    from lanthanide.api.app import create_app  # noqa: PLC0415
    from lanthanide.api.keys import load_keys  # noqa: PLC0415
    from lanthanide.api.settings import LOOPBACK_HOSTS, ApiSettings  # noqa: PLC0415

    keys = keys_file or default_keys_file()
    has_keys = bool(load_keys(keys))
    if not has_keys and host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"serving on {host} needs API keys; create one with `lanthanide serve keys create`"
        )
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    log = logging.getLogger("lanthanide.api")
    if has_keys:
        log.info("API keys required (%s)", keys)
    else:
        log.info("no API keys configured: open access for local use on %s only", host)
    if scheduler:
        log.info("simulation jobs send their chunks to the Dask scheduler at %s", scheduler)
    api = ApiSettings(keys_file=keys, scheduler=scheduler)
    uvicorn.run(create_app(settings(db), api), host=host, port=port, log_level="info")


@keys_app.command("create")
def create(
    tenant: Annotated[str, typer.Option(help="Tenant name this key acts for.")],
    keys_file: KeysFile = None,
) -> None:
    """Create a key for a tenant and print it once (only its hash is stored)."""
    from lanthanide.api.keys import create_key  # noqa: PLC0415

    key, record = create_key(keys_file or default_keys_file(), tenant)
    typer.echo(key)
    typer.echo(
        f"key id {record.key_id} for tenant {record.tenant}; store it now, it is not shown again",
        err=True,
    )
