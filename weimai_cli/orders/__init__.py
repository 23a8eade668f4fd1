"""Orders: platform export formats, the importer, attribution and queries.

``formats`` holds one small module per platform export (header signature,
column aliases, status map, line key, where the tracking code, slot and
platform commission are); ``importer`` validates, upserts and attributes one
file per transaction; ``query`` lists and shows order lines.
"""
