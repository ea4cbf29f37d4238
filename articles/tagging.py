"""How tags are typed and kept: in the order the reporter gave them, as they typed them.

django-taggit's defaults sort the names, put every name with a space in double quotes ("Giao thông", "Hạ Long"), and
read a list without commas as space-separated (so "Hạ Long" alone became two tags). Here a list is comma-separated,
the order is kept, a name is quoted only when it holds a comma (or begins with a quote), and the article keeps its
tags in that order (TaggedArticle rows in order; pages, feeds and the form read them by that order).
"""

from taggit.managers import _TaggableManager

QUOTE = '"'


def parse(text):
    """ "Giao thông, Hạ Long" -> ["Giao thông", "Hạ Long"]: in the order typed, each name once (tags match
    case-insensitively), empty items skipped. A name in double quotes may hold commas; "" in it is one quote."""
    names, seen = [], set()
    for name in _items(text or ""):
        name = name.strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _items(text):
    item, position = [], 0
    while position <= len(text):
        rest = text[position:]
        if not "".join(item).strip() and rest.lstrip(" ").startswith(QUOTE):
            # A quoted name: up to the quote that is not doubled.
            position += len(rest) - len(rest.lstrip(" ")) + 1
            item = []
            while position < len(text):
                if text[position] == QUOTE:
                    if text[position + 1 : position + 2] == QUOTE:
                        item.append(QUOTE)
                        position += 2
                        continue
                    position += 1
                    break
                item.append(text[position])
                position += 1
            continue
        if position == len(text) or text[position] == ",":
            yield "".join(item)
            item = []
        else:
            item.append(text[position])
        position += 1


def edit_string(tags):
    """Tags as the reporter typed them, for the form: "Giao thông, Hạ Long"."""
    return ", ".join(_quoted(tag.name if hasattr(tag, "name") else str(tag)) for tag in tags)


def _quoted(name):
    if "," in name or name.startswith(QUOTE):
        return QUOTE + name.replace(QUOTE, QUOTE * 2) + QUOTE
    return name


class OrderedTags(_TaggableManager):
    """`article.tags`: set() keeps the order it is given."""

    def set(self, tags, *, through_defaults=None, **kwargs):
        kwargs.pop("clear", None)
        wanted = self._to_tag_model_instances(tags, kwargs.pop("tag_kwargs", {}))
        links = self.through._default_manager.filter(**self._lookup_kwargs()).order_by("pk")
        current = list(links.values_list("tag_id", flat=True))
        new = [tag.pk for tag in wanted]
        if new == current:
            return  # nothing to write: no row touched, no cache or search index disturbed
        if new[: len(current)] == current:
            super().add(*wanted[len(current) :], through_defaults=through_defaults, **kwargs)
            return
        # Rows are kept in order of creation: a different order or a change in the middle writes them again.
        self.clear()
        super().add(*wanted, through_defaults=through_defaults, **kwargs)
