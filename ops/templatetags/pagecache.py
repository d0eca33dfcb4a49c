from django import template
from django.utils.safestring import mark_safe

from ops.pagecache import lookup, store

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
        version, content = lookup(key)
        if content is None:
            content = self.nodelist.render(context)
            # A form's CSRF token belongs to this reader's session: content that holds one is
            # theirs alone, whoever else shares their permissions.
            if "csrfmiddlewaretoken" not in content:
                store(key, version, str(content))
        return mark_safe(content)  # noqa: S308 - rendered by this template, escaped there
