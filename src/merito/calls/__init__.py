"""Calls (convocatorias, procesos de selección, concursos)."""
