"""Accounts: sign-in, passwords, invitations and reset links, first set-up."""
