"""Optional generative answers, follow-up rewrites and summaries through a language model.

Everything here is verified before it is returned: the model writes from numbered passages the
extractive path chose, and a sentence stands only if each figure it states is in a passage it cites.
"""
