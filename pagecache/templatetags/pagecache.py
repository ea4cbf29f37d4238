"""`{% fragment %}` keeps a rendered block; `{% hole %}` places a shared, busy block (see pagecache.holes)."""

import functools
import hashlib

from django import template
from django.db.models import Model
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import holes
from ..context import depends_on, keys_of
from ..fragments import fragment, keeping

register = template.Library()


@register.simple_tag
def hole(name, arg=""):
    return holes.place(name, str(arg) if arg else "")


@register.tag("fragment")
def do_fragment(parser, token):
    """`{% fragment "name" value … %}…{% endfragment %}`: the block rendered once and kept in the cache.

    For the parts of a page that cost more to render than the page's own content (menus, cards, the blocks around an
    article) and that depend only on the language and the values named. The values are also what the block shows:
    a model instance stands for its keys (an article: "a12", its section: "s3"), a value that came out of a fragment
    for that fragment's keys; the block gives way as soon as one of them changes.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% fragment %} needs a name: {% fragment "name" value … %}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class FragmentNode(template.Node):
    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values

    def render(self, context):
        values = [value.resolve(context) for value in self.values]
        if not keeping():
            # Nothing is kept (staff, FRAGMENTS=false): the block is printed in place, its keys counted in the render
            # around it, without naming it (a hash of every value: 2 ms on a cold page of 35 blocks).
            depends_on(*set().union(*(_keys(value) for value in values)))
            return self.nodelist.render(context)

        def compute():
            # The values' keys count only for a block rendered now: a kept one comes with the keys it was kept with.
            depends_on(*set().union(*(_keys(value) for value in values)))
            return str(self.nodelist.render(context))

        return mark_safe(fragment(fragment_name(values), compute, named=True))


def fragment_name(values):
    """The name `{% fragment v1 v2 … %}` keeps its block under, in the active language: Python code that prints
    the same block (articles.cards) finds it under this name too."""
    parts = [get_language(), *(_identity(value) for value in values)]
    # Hashed: the values may be long titles or slugs, and a cache key has a length limit.
    return "html:" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def _keys(value):
    if isinstance(value, Model):
        return keys_of(value) | set(getattr(value, "cache_keys", ()))
    if isinstance(value, list | tuple):
        return set().union(*(_keys(item) for item in value)) | set(getattr(value, "cache_keys", ()))
    return set(getattr(value, "cache_keys", ()))


def _identity(value):
    if isinstance(value, Model):
        return identity(type(value), value.pk)
    if isinstance(value, list | tuple):
        return ",".join([_identity(item) for item in value])
    return str(value)


def identity(model, pk):
    """How a fragment's name stands for an instance: its model and primary key."""
    return f"{_label(model)}:{pk}"


@functools.cache
def _label(model):
    return model._meta.label  # a property, built again at every read: a page names a few hundred instances
