"""The read-only content API for apps and partners (/api/v1/, docs/api.md): published content only, as JSON."""
