"""Reconciliation across the record: duplicates, incidents, figure summaries and disputes."""
