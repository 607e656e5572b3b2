"""Items handed in online before the office registers them: a submission and its co-sign invitations."""
