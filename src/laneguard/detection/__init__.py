"""Detection: video in, incidents out (tracking, lane zones and their rules, the pipeline)."""
