"""Request and response models of the JSON API, one family per resource.

Each resource has the models its routes take and give, named for what they are for:

* ``…Create`` / ``…Update``: what a client sends. Built on the domain models of
  :mod:`anklet.domain.history` (the base of each family), so the API accepts exactly what
  ``anklet evaluate`` and the CLI commands accept, with the same ranges and messages.
* ``…Public``: what the API sends back; ``…sPublic`` is a list of them with its count.

They describe the JSON in the OpenAPI document; they are not database tables, and the
routes build the JSON from the domain (``domain/views.py`` for decisions and plans), so
the API, the CLI's ``--json`` and the pages show the same things.
"""
