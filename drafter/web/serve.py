"""Starting the web app: where the store lives, who may connect, and the server itself."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from ..errors import UserError

__all__ = ["default_db", "is_loopback", "run"]


def default_db() -> Path:
    """The case store's default place: the user's data folder (e.g. ~/.local/share/drafter)."""
    from platformdirs import user_data_path

    return user_data_path("drafter", appauthor=False) / "drafter.sqlite3"


def is_loopback(host: str) -> bool:
    """Whether ``host`` reaches only this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(
    *,
    db: Path | None,
    host: str,
    port: int,
    library: Path | None,
    template_dir: Path | None,
    set_password: bool,
) -> None:
    """Set the password, or serve the app until interrupted.

    Raises:
        UserError: asked to listen beyond this machine with no password set.
    """
    from werkzeug.security import generate_password_hash

    from .app import create_app
    from .store import Store

    path = db or default_db()
    if set_password:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise UserError("the password must be at least 10 characters")
        Store(path).set_setting("password_hash", generate_password_hash(password))
        click.echo(f"Password set for {path}.")
        return
    if not is_loopback(host) and Store(path).setting("password_hash") is None:
        raise UserError(
            f"--host {host}: reachable from other machines, and no password is set",
            hint="Run `drafter serve --set-password` first (with the same --db).",
        )
    app = create_app(path, library=library, template_dir=template_dir)
    from waitress import create_server

    server = create_server(
        app, host=host, port=port, threads=4, max_request_body_size=app.config["MAX_CONTENT_LENGTH"]
    )
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"drafter is running at http://{shown}:{server.effective_port}/ (case store: {path})"
    )
    click.echo("Press Ctrl-C to stop.")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
