"""Input, the flow's first stage: JSON Lines in, `Recorded` events or kept rejections out.

- `ingest`: reads a stream line by line, records valid activities, keeps bad lines.
- `schema`: checks one parsed line against SPEC section 2 and names the bad field.
- `timestamps`: RFC 3339 timestamps, strictly parsed.
"""
