"""A passage that introduces a list ("发现的问题及整改情况:") answers with the list that follows.

Reports often state a finding as an intro ending in a colon, then the items under sub-headings
("(1)存在的主要问题。一是…二是…"). The answer is the intro and the items; it stops at the first
sub-heading that shares no word with the question ("(2)整改措施"), or at a length limit.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.models import Section

MAX_CONTINUATION = 600  # characters of list after the intro, so an answer stays short
_INTRO_END = (":", ":")


def list_after_intro(
    text: str,
    sections: list[Section],
    end: int,
    about_question: Callable[[str], bool],
) -> int:
    """The end of the list a passage ending at `end` introduces, or `end` if it introduces none."""
    if not text[:end].rstrip().endswith(_INTRO_END):
        return end
    heading_starts = {s.start: s for s in sections}
    new_end = end
    position = end
    while position < len(text) and position - end < MAX_CONTINUATION:
        line_end = text.find("\n", position)
        line_end = len(text) if line_end < 0 else line_end
        line = text[position:line_end]
        stripped = line.strip()
        if stripped:
            heading = heading_starts.get(position + len(line) - len(line.lstrip()))
            if heading is not None and not about_question(heading.title):
                break
            if line_end - end > MAX_CONTINUATION and new_end > end:
                break
            new_end = position + len(line.rstrip())
        position = line_end + 1
    return new_end
