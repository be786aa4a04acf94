"""The web workspace and the JSON API: an entry point beside ``cli``, on the same use cases."""
