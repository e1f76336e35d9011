"""Data quality: Great Expectations suites (files in `suites/`) run as Dagster asset checks."""
