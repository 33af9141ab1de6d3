"""Domain operations: vocabularies, opening hours, phones, geocoding, imports. Mutate and flush; callers commit."""
