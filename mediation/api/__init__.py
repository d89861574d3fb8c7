"""The public read API (/api/v1/): serializers, filters, pagination, token authentication,
throttles and the OpenAPI description's extensions. Views live in mediation/views/api.py."""
