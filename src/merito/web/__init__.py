"""Web layer: base layout, navigation by role, public pages, health check, error pages."""
