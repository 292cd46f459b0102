"""Generative backends behind one interface, the prompts, the gate, and the facade the app calls.

The generative model only phrases. Nothing a worker is scored on calls it; every text it writes passes the
gate (`gate.py`) before anyone sees it, and the authored bilingual text is shown when it fails.
"""
