"""Notification senders: SMTP email, SMS and WeChat webhooks, and a recording fake."""
