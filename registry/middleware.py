"""The Content-Security-Policy per area of the site."""

from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy everywhere. Inline styles only where a third-party page needs them: the
    admin (Django's templates) and Swagger UI (its page has a style block). Never inline scripts."""

    INLINE_STYLE_PREFIXES = ("/admin/", "/api/docs/")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(self.INLINE_STYLE_PREFIXES):
            parts.update = {**(parts.update or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts
