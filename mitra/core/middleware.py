"""Language choice: Indonesian unless the person chose another language.

Django's LocaleMiddleware follows the browser's Accept-Language header, so
an office PC set up in English would show English pages. Mitra is in
Indonesian by default; English is shown only to whoever picks it from the
language menu (remembered in a cookie).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
