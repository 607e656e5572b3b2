"""The office's queue of items handed in online: confirm for a co-signer who does not log in, register.

Registering gives the item its number through `workflow.services.submissions.register` (which calls
the intake service); the item then awaits review on the intake's review page, as a paper item does.
"""
