"""The open-data API's shared parts: JSON objects, the OpenAPI document, caching, CORS and rate limiting.
The blueprints that serve them live in `directory/views/api_*.py`."""
