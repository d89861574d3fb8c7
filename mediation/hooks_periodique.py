"""Issue 19: this layer's chores for the periodic command (registry.register_periodic)."""
