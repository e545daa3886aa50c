"""Recall: due dates of issued certificates, reminders, and pre-registered orders for
re-verification.
"""
