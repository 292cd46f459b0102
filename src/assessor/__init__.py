"""Assessor: an offline adaptive skills assessment for domestic-service workers."""

from assessor import offline as _offline  # noqa: F401  (sets the offline switches first)

__version__ = "0.1.0"
