from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ctx = context.RequestContext(ip=request.META.get("REMOTE_ADDR", ""), path=request.path)
        request.request_id = ctx.request_id
        token = context.activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = ctx.request_id
        return response


class LanguageMiddleware(LocaleMiddleware):
    """zh-hans unless the user chose another language with the switcher (the language cookie).

    The browser's Accept-Language is not consulted: many intranet PCs run English-language browsers
    for Chinese-speaking staff, and the product's default is Chinese.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
