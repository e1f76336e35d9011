"""Tessera: a warehouse-native, composable customer data platform."""

__version__ = "0.1.0"
