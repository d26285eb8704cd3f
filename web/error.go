package web

import (
	"context"
	"errors"
	"net/http"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// Problem is an RFC 9457 problem document, extended with a stable Code
// (one of matcher's error codes) and the Field it is about.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// Code unavailable is web's own: the service is up but not ready.
const eUnavailable = "unavailable"

// status maps error codes to HTTP statuses: the one place that does.
func status(code string) int {
	switch code {
	case saperi.EINVALID:
		return http.StatusBadRequest
	case saperi.ENOTFOUND:
		return http.StatusNotFound
	case saperi.ECONFLICT:
		return http.StatusConflict
	case saperi.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case saperi.EFORBIDDEN:
		return http.StatusForbidden
	case saperi.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case saperi.ETOOMANY:
		return http.StatusTooManyRequests
	case eUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail writes err as a problem and aborts the request. Internal errors are
// logged with the request id; the reader only sees a generic message.
func (s *Server) fail(c *gin.Context, err error) {
	if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
		// The client went away: nobody reads an answer, nothing to log.
		c.AbortWithStatus(statusClientClosed)
		return
	}
	if errors.Is(err, syscall.ENOSPC) {
		// Nothing was acknowledged; say so plainly and alert the operator.
		s.log.ErrorContext(c.Request.Context(), "disk full: write refused", "err", err, "path", logPath(c))
		s.problem(c, http.StatusInsufficientStorage, &saperi.Error{Code: eUnavailable, Key: "error.disk_full",
			Message: "the server's disk is full: nothing was saved"})
		return
	}
	s.problem(c, status(saperi.ErrorCode(err)), err)
}

// statusClientClosed is recorded for requests the client abandoned.
const statusClientClosed = 499

// problem writes err as a problem with the given HTTP status.
func (s *Server) problem(c *gin.Context, httpStatus int, err error) {
	l := loc(c)
	if l == nil {
		l = s.catalog.For()
	}
	code := saperi.ErrorCode(err)
	p := Problem{Type: "/api/openapi.json#problem-" + code, Status: httpStatus, Code: code, Instance: c.Request.URL.Path}
	p.Title = l.T("problem."+code, nil, http.StatusText(p.Status))
	if e := saperi.AsError(err); e != nil && code != saperi.EINTERNAL {
		args := map[string]any{}
		for k, v := range e.Args {
			args[k] = v
		}
		if e.Field != "" {
			args["Field"] = l.Field(e.Field)
		}
		p.Field = e.Field
		p.Detail = l.T(e.Key, args, e.Message)
	} else {
		rid := c.GetString(requestIDKey)
		s.log.ErrorContext(c.Request.Context(), "request failed", "err", err, "request_id", rid,
			"method", c.Request.Method, "path", logPath(c))
		p.Detail = l.T("error.internal", map[string]any{"RequestID": rid}, "internal error")
	}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(p.Status, p)
}

// invalid is a shorthand for an EINVALID error with args.
func invalid(field, key, msg string, args map[string]any) *saperi.Error {
	return &saperi.Error{Code: saperi.EINVALID, Key: key, Field: field, Message: msg, Args: args}
}
