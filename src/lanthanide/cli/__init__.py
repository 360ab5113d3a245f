"""Command-line front-end: parse, call the core, print. No domain logic lives here."""
