"""The ``anklet`` command line (Typer + Rich)."""
