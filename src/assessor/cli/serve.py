"""`assessor serve`: start the web app (default http://127.0.0.1:7860); models load in the background."""

from __future__ import annotations

from pathlib import Path

import typer


def serve(
    host: str | None = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default 7860)."),
    data: Path | None = typer.Option(None, "--data", help="Data directory (database, caches)."),
) -> None:
    """Start the worker quiz and trainer pages in the browser."""
    import os

    from assessor.settings import get_settings

    if data is not None:  # every part of the app reads the same settings
        os.environ["ASSESSOR_DATA_DIR"] = str(data.resolve())
        get_settings.cache_clear()
    settings = get_settings()
    from assessor.ui.app import launch
    from assessor.ui.context import AppContext

    ctx = AppContext.create(settings)
    host = host or settings.host
    port = port or settings.port
    typer.echo(f"Assessor: http://{host}:{port}  (Ctrl+C to stop)")
    launch(ctx, host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
