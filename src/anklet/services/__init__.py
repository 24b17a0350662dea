"""Use cases: keyword-only functions taking a unit of work. They never commit.

The caller (a CLI command or a web request) opens the unit of work, calls
one or more services, and commits once — so a failed operation leaves
nothing half-written.
"""
