"""The database: opening, locking and backing up (``store``) and the
append-only migrations run on open (``migrations``)."""
