package saperi

import (
	"errors"
	"fmt"
)

// Error codes, stable across releases: clients and translations key on them.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	ETOOMANY      = "too_many" // too many attempts: wait and retry
)

// Error is an error a person can act on. Code says what kind of failure it
// is; Key names the message in the translation catalogs (web/i18n) and Args
// fill its placeholders; Message is the English fallback; Field names the
// offending input field, when there is one.
//
// Errors of any other type are internal: the web layer logs them and shows
// the user a generic message, never their text.
type Error struct {
	Code    string
	Key     string
	Field   string
	Args    map[string]any
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code, catalog key and English message.
func Errorf(code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one field.
func Invalid(field, key, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ENOTFOUND error for the named kind of object.
func NotFound(what string, id uint64) *Error {
	return &Error{Code: ENOTFOUND, Key: "error.not_found." + what,
		Args: map[string]any{"ID": id}, Message: fmt.Sprintf("%s %d not found", what, id)}
}

// ErrorCode returns the code of err: its own when it is (or wraps) an
// *Error, EINTERNAL otherwise, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns the *Error in err's chain, or nil when err is internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
