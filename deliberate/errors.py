"""Domain errors: a refusal with a status code and a message in the user's language."""

from __future__ import annotations

from deliberate.i18n import gettext


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        # `message` is an untranslated source string; it is translated when shown.
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def translated(self) -> str:
        return gettext(self.message, **self.params)

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.code, "message": self.translated()}
        if self.field:
            body["field"] = self.field
        return body


class PayloadTooLarge(DomainError):
    status = 413
    code = "too_large"


class ValidationError(DomainError):
    status = 422
    code = "invalid"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"
