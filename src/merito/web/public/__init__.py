"""The public audience, at the site's root: no entry gate (see ``urls.py``)."""
