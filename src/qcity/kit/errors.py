"""Domain errors: each carries an HTTP status, a Chinese message for the UI and, where known, the field."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None, *, plain: str | None = None) -> None:
        super().__init__(message)
        self.message = message  # Chinese, shown to the user
        self.field = field
        self.plain = plain or message  # for the CLI; defaults to the Chinese text

    def to_dict(self) -> dict[str, str | None]:
        return {"error": self.code, "message": self.message, "field": self.field}


class ValidationError(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    """Also raised for rows the actor may not see: a guessed id must not reveal that the row exists."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "未找到该记录", field: str | None = None) -> None:
        super().__init__(message, field)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str = "无权执行此操作", field: str | None = None) -> None:
        super().__init__(message, field)


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"

    def __init__(self, message: str = "请先登录") -> None:
        super().__init__(message)


class Conflict(DomainError):
    status = 409
    code = "conflict"


class StateError(DomainError):
    """An action that the object's current state does not allow (submitting an accepted report...)."""

    status = 409
    code = "invalid_state"
