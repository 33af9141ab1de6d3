"""Thin blueprints: parse the request, call the operations or the search, render.

Each module exposes `bp`; `directory.create_app` registers them. Views never import each other: helpers they
share live in `directory.web` (request helpers), `directory.presenters` and `directory.labels` (display),
`directory.forms` (forms).
"""
