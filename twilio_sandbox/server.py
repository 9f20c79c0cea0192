"""Serving a WSGI app from a background thread, for tests and embedded demos."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server

SHUTDOWN_POLL_SECONDS = 0.05  # how quickly shutdown() is noticed; werkzeug's default is 0.5


@dataclass
class ServerHandle:
    """A running server: its URL, its port, and how to stop it."""

    url: str
    port: int
    server: BaseWSGIServer
    thread: threading.Thread

    def shutdown(self) -> None:
        """Stop serving, end the sandbox's calls if this is a sandbox, and close the socket."""
        sandbox = self.server.app.extensions.get("sandbox") if hasattr(self.server.app, "extensions") else None
        if sandbox is not None:
            sandbox.hang_up_everything("system-shutdown")
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()
        if sandbox is not None:
            sandbox.join_threads()


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Serve ``app`` with a threaded werkzeug server on ``port`` (0: any free port)."""
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
        name=f"wsgi-{server.port}",
        daemon=True,
    )
    thread.start()
    return ServerHandle(f"http://{host}:{server.port}", server.port, server, thread)
