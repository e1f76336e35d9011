"""Synthetic, deliberately messy customer data in the `cdp load` layout, with the identity truth.

`generate_demo_data(out_dir, customers, seed)` is the entry point behind `cdp demo-data`.
See README.md in this
folder for the hard cases it generates and how often.
"""

from cdp.demo_data.generator import DemoDataSummary, generate_demo_data

__all__ = ["DemoDataSummary", "generate_demo_data"]
