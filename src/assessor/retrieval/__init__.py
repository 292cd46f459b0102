"""Embedder backends, the bank index, placement, free-text rubric scoring and ask-the-bank.

Nothing here calls a generative model: every score computed in this package is deterministic given the
embedder and the bank.
"""
