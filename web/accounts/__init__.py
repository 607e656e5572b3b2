"""One's own account: log in (limited per address), change the password, the second factor; an admin's reset."""
