"""The Content-Security-Policy per area of the site."""

from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy everywhere. Inline styles only in the admin (Django's templates use them);
    never inline scripts."""

    INLINE_STYLE_PREFIXES = ("/admin/",)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(self.INLINE_STYLE_PREFIXES):
            parts.update = {**(parts.update or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts
