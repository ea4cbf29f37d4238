"""Single-line text: what staff type into a title, a name or a caption, and what an e-mail header is made of.

A line break in a title is never meant (a crafted POST, or a paste) and breaks what is built from it: an e-mail
subject with CR/LF is refused by Django's mail (BadHeaderError), a feed or a page title gains a line. So fields
that hold one line refuse control characters, and headers made from stored text flatten them.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (tab, line feed, carriage return, NUL, DEL, NEL and the other C0/C1 codes) and Unicode's own
# line and paragraph separators.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def _breaks_line(character):
    return unicodedata.category(character) in _LINE_BREAKING


def single_line(value):
    """Validator for fields that hold one line of text."""
    if any(_breaks_line(character) for character in str(value)):
        raise ValidationError(
            _("Keep this on one line: remove line breaks, tabs and other control characters."),
            code="control_characters",
        )


def one_line(text):
    """`text` with every control character or line separator replaced by a space, and spaces collapsed."""
    return " ".join("".join(" " if _breaks_line(ch) else ch for ch in str(text)).split())
