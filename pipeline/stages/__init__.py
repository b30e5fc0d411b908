"""The stages, in the order a document goes through them: load, strip, dates, entities, places, validate."""
