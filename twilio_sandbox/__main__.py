"""Run the sandbox: python -m twilio_sandbox --port 8099 --account-sid AC... --auth-token ..."""

from .cli import main

main()
