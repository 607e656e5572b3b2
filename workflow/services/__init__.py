"""The verbs of the workflow (domain §4): one function per act, the only code that changes an item.

Every verb takes keyword-only arguments including `actor` (None: the system) and `now`,
checks role and scope (`permissions`), locks the item, checks state and preconditions,
saves named fields, opens or fulfils obligations and records a timeline event.
"""
