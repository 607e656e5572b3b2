"""The office's intake: register an item handed in on paper, and review it (立案 / 不立案 / 并案).

Each act calls its service in `workflow.services.intake` through `web.actions.perform`; the
screens add what helps the clerk decide: the next free number, a proposer search that stays
usable with hundreds of deputies, and similar items of both bodies and earlier years as merge
hints (`similar.py`).
"""
