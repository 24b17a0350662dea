"""The pure domain engine: history in, decisions and plans out.

Nothing here imports the database, the web or the command line; an
import-linter contract (pyproject.toml) keeps it that way.
"""
