"""The portal audience, at /portal/: applicants and peers on their own record (``urls.py``)."""
