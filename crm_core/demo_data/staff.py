"""The demo logins: agents with skills and languages, a supervisor and an admin, with known passwords."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..models import User
from ..users import hash_password

# username, full name, role, skills, languages, demo password
DEMO_USERS = (
    ("agent1", "Анна Кузнецова", "agent", ["orders", "returns"], ["ru"], "demo-agent-1"),
    ("agent2", "Дмитрий Соколов", "agent", ["sales"], ["ru"], "demo-agent-2"),
    ("agent3", "Екатерина Новикова", "agent", ["orders", "sales"], ["ru", "en"], "demo-agent-3"),
    ("agent4", "Сергей Морозов", "agent", ["orders"], ["ru"], "demo-agent-4"),
    ("agent5", "Emily Johnson", "agent", ["orders", "returns"], ["en"], "demo-agent-5"),
    ("agent6", "Michael Brown", "agent", ["sales"], ["en"], "demo-agent-6"),
    ("agent7", "Мария Волкова", "agent", ["returns", "orders"], ["ru", "en"], "demo-agent-7"),
    ("agent8", "James Wilson", "agent", ["orders", "sales", "returns"], ["en", "ru"], "demo-agent-8"),
    ("supervisor", "Ольга Лебедева", "supervisor", [], ["ru", "en"], "demo-supervisor"),
    ("admin", "Администратор", "admin", [], ["ru", "en"], "demo-admin"),
)


@dataclass
class Staff:
    """Who can take which call: agent ids by (language, skill), and the supervisor tickets escalate to."""

    agents: dict[tuple[str, str], list[int]]
    supervisor_id: int

    def pick(self, rng: random.Random, language: str, skill: str) -> int:
        """An agent speaking `language` with `skill`."""
        candidates = self.agents[(language, skill)]
        return candidates[int(rng.random() * len(candidates))]


def ensure_staff(connection: Connection, created_at: datetime) -> tuple[Staff, list[tuple[str, str, str]]]:
    """Create the demo logins that do not exist yet (existing ones keep their password); return the staff
    and (username, role, password) of the logins created now."""
    existing = dict(connection.execute(
        sa.select(User.username, User.id).where(User.username.in_([u[0] for u in DEMO_USERS]))
    ).all())
    next_id = (connection.scalar(sa.select(sa.func.max(User.id))) or 0) + 1
    created, rows = [], []
    for username, full_name, role, skills, languages, password in DEMO_USERS:
        if username in existing:
            continue
        existing[username] = next_id
        rows.append({"id": next_id, "username": username, "full_name": full_name, "role": role,
                     "password_hash": hash_password(password), "skills": skills, "languages": languages,
                     "is_active": True, "created_at": created_at})
        created.append((username, role, password))
        next_id += 1
    if rows:
        connection.execute(sa.insert(User), rows)
    agents: dict[tuple[str, str], list[int]] = {}
    for username, _, role, skills, languages, _ in DEMO_USERS:
        for language in languages:
            for skill in skills:
                agents.setdefault((language, skill), []).append(existing[username])
    return Staff(agents=agents, supervisor_id=existing["supervisor"]), created
