"""`assessor serve`: start the web app (default http://127.0.0.1:7860); models load in the background."""

from __future__ import annotations

from pathlib import Path

import typer


def serve(
    host: str | None = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default 7860)."),
    data: Path | None = typer.Option(None, "--data", help="Data directory (database, caches)."),
    https: bool = typer.Option(False, "--https", help="Serve https with the centre certificate (made if missing), "
                               "so phones on the Wi-Fi may use the microphone."),
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
    tls: dict[str, object] = {}
    if https:
        from assessor.tls import TLS_FOLDER, ensure_centre_cert

        made = ensure_centre_cert(settings.data_dir / TLS_FOLDER, centre=settings.centre)
        tls = {"ssl_certfile": str(made.cert), "ssl_keyfile": str(made.key), "ssl_verify": False}
        typer.echo(f"phones trust {made.ca_cert} once (docs/voice.md); addresses: {', '.join(made.ips)}")
    typer.echo(f"Assessor: {'https' if https else 'http'}://{host}:{port}  (Ctrl+C to stop)")
    launch(ctx, host=host, port=port, **tls)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
