"""The agent console in the app: login, pages, and the Socket.IO namespaces of agents and supervisors.

Templates and static assets live in `agent_console/`; routing and desk logic too. This package adapts them
to Flask and Socket.IO.
"""

from pathlib import Path

from flask import Blueprint

import agent_console

_ASSETS = Path(agent_console.__file__).parent

bp = Blueprint("console", __name__, template_folder=str(_ASSETS / "templates"),
               static_folder=str(_ASSETS / "static"), static_url_path="/console/static")

from . import campaigns, reports, routes, supervisor  # noqa: E402,F401  (routes register themselves on bp)
