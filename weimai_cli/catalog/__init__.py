"""The catalogue: goods (add, edit, import, list) and supplier feeds."""
