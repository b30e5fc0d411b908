"""The stages, in the order a document goes through them: load, strip, dates, entities, places, validate.

The protocol is in `base.py`; the order, and how each stage is built, in `registry.py`.
"""
