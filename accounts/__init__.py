"""Accounts: password rules, history and expiry, forced changes, the second factor (等保 2.0).

Just above `districts` in the layers: it knows users and districts, nothing of items.
"""
