"""Offline centre -> hub sync: centre keys (Ed25519), signed bundles of JSON lines, idempotent import."""

from assessor.sync.bundle import Bundle, read_bundle, write_bundle
from assessor.sync.errors import SyncError
from assessor.sync.exchange import ImportReport, export_tables, import_bundle, other_centres
from assessor.sync.keys import CentreKey, init_centre, load_centre, read_public, trust, trusted

__all__ = ["Bundle", "CentreKey", "ImportReport", "SyncError", "export_tables", "import_bundle", "init_centre",
           "load_centre", "other_centres", "read_bundle", "read_public", "trust", "trusted", "write_bundle"]
