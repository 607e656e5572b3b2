"""What an upload must pass beyond its name and size: its real type, no program, no hidden archive, no virus.

Each module holds one kind of check and raises Django's `ValidationError` naming the file and why;
`proposals.attachments.validate_upload` runs them in order for every caller.
"""
