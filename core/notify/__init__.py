"""E-mail notifications: what is waiting for whom (`sources`), sent once through an outbox."""
