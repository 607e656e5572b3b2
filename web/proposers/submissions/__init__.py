"""A proposer hands in an item online (issue #17): the draft, its co-signers, handing in, withdrawing.

Phone first (390×844): one column of cards, each act its own small form. Every act is an action
view (`web.actions.perform` inside `web.submit.one_time`) calling `workflow.services.submissions`.
"""
