"""Conversations: a follow-up question is rewritten into a standalone one before it is answered."""
