"""The Gradio web app: the worker's quiz (worker.py), the trainer pages (trainer.py), the shell (app.py).

Gradio is imported only here and below, never by the library: `from assessor.ui.app import build_app, launch`.
"""
