"""What this layer moves when two files of one person are merged
(inclusion.registry.register_file_merger)."""
