"""The demo: realistic organizations, calls, people, profiles, the peer bank and a SIMO
process with its folders, loaded idempotently by ``merito demo-data`` (``make demo``).

It stands above the domain contexts, as the audiences do: it builds its rows through the
contexts' services, and no context imports it."""
