"""newsum's interfaces: CLI, HTTP service, Slack bot (thin layers over summarizer)."""
