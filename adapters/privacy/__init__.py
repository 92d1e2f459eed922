"""People's data (R29): the vault of per-person keys, the event codec, and forgetting."""
