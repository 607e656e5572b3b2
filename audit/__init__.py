"""The security audit log: who did what to which object, from where, and whether it was allowed.

The bottom layer: every app may call `audit.log.record`; it imports no app of the project.
"""
