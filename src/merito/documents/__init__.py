"""Documents: uploaded files checked by content, size-limited, stored under their hash."""
