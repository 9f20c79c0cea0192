"""Outbound dialing: call-list import, the compliance gate every dial passes, and (later) pacing."""
