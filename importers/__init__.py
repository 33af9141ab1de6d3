"""Importers: one module per source format; they parse and yield typed records, never touch the session or index."""
