"""What the public may read: the index of published replies."""
