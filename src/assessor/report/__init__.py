"""Reports and exports: the worker's PDF report, the trainer's transcript PDF, CSV, xAPI, item statistics."""

from assessor.report.exports import responses_csv, sessions_csv, xapi_statements
from assessor.report.item_stats import domain_distributions, item_statistics
from assessor.report.pdf import transcript_pdf, worker_report_pdf

__all__ = ["domain_distributions", "item_statistics", "responses_csv", "sessions_csv", "transcript_pdf",
           "worker_report_pdf", "xapi_statements"]
