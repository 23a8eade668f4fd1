"""Sharing: tracking codes, links, posts, QR codes and cards."""
