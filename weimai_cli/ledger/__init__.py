"""The ledger: commission rules, booking order lines into immutable entries,
statements, closing and verifying months, payouts and spend."""
