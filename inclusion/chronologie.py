"""This layer's lines of a person's timeline (inclusion.registry.register_timeline_provider)."""
