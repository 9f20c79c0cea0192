"""Fixtures for the console: logged-in HTTP clients and Socket.IO clients of the app."""

import pytest

from callcenter.extensions import socketio


@pytest.fixture
def login_as(app):
    """A test client logged in as `user` (the session Flask-Login would set after a login)."""

    def login(user):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client

    return login


@pytest.fixture
def desk_client(app, login_as, db_session):
    """A Socket.IO client on `namespace` for `user`, sharing their HTTP session."""
    clients = []

    def connect(user, namespace="/desk"):
        db_session.commit()
        client = socketio.test_client(app, namespace=namespace, flask_test_client=login_as(user))
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected("/desk") or client.is_connected("/floor"):
            client.disconnect(namespace="/desk" if client.is_connected("/desk") else "/floor")


def received(client, event, namespace="/desk"):
    """The payloads of `event` the client has received since the last call."""
    return [m["args"][0] for m in client.get_received(namespace) if m["name"] == event]
