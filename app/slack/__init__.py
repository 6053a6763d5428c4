"""The newsroom Slack bot: a client of the newsum HTTP API, built on slack_bolt.

It never loads models: every brief comes from ``POST /v1/summarize``.
"""
