from django import template
from django.utils.safestring import mark_safe

from ops import pagecache

register = template.Library()


@register.tag
def cached_content(parser, token):
    """`{% cached_content %}…{% end_cached_content %}`: the enclosed content from the shared
    cache, on pages whose view is `@cached_read_page` (ops/pagecache.py); rendered as usual
    on every other page."""
    nodelist = parser.parse(("end_cached_content",))
    parser.delete_first_token()
    return CachedContentNode(nodelist)


class CachedContentNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        key = getattr(context.get("request"), "content_cache_key", None)
        if key is None:
            return self.nodelist.render(context)
        found = pagecache.lookup(key)
        if found.fresh:
            return mark_safe(pagecache.unpack(found.entry))  # noqa: S308 - rendered here before
        content = self.nodelist.render(context)
        # A form's CSRF token belongs to this reader's session: content that holds one is
        # theirs alone, whoever else shares their permissions.
        if "csrfmiddlewaretoken" not in content:
            pagecache.store(key, found.version, pagecache.pack(str(content)))
        return content


@register.simple_tag(takes_context=True)
def per_reader(context: template.Context, name: str) -> str:
    """`{% per_reader "csrf_token" %}`, `{% per_reader "username" %}`: the reader's own, which
    a page stored for everyone with the same permissions leaves as a hole (ops/pagecache.py)."""
    return mark_safe(pagecache.per_reader(context.get("request"), name))  # noqa: S308 - escaped
