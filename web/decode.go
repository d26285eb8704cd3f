package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// MaxBody is the largest request body accepted, in bytes.
const MaxBody = 64 << 10

// decode reads one JSON object from the request body into v, strictly:
// size-limited, valid UTF-8, no unknown fields, nothing after the object.
// Every failure is an *saperi.Error naming what to fix.
func decode(c *gin.Context, v any) error {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return invalid("", "error.body.content_type", "send the body as application/json", nil)
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &saperi.Error{Code: saperi.ETOOLARGE, Key: "error.body.too_large",
				Message: "request body too large", Args: map[string]any{"Limit": MaxBody}}
		}
		return invalid("", "error.body.json", "could not read the body", map[string]any{"Offset": 0})
	}
	return decodeJSON(raw, v)
}

// decodeJSON is decode without the HTTP parts; fuzzed directly.
func decodeJSON(raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return invalid("", "error.body.empty", "the request body is empty", nil)
	}
	if !utf8.Valid(raw) {
		return invalid("", "error.body.utf8", "the body is not valid UTF-8", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("", "error.body.trailing", "more data after the JSON object", nil)
	}
	return nil
}

func jsonError(err error) error {
	var (
		me *saperi.Error
		se *json.SyntaxError
		te *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &me):
		return me
	case errors.As(err, &se):
		return invalid("", "error.body.json", "malformed JSON", map[string]any{"Offset": se.Offset})
	case errors.As(err, &te):
		field := te.Field
		return invalid(field, "error.body.type", "wrong type for "+field,
			map[string]any{"Expected": jsonType(te.Type.Kind().String())})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("", "error.body.json", "malformed JSON", map[string]any{"Offset": "EOF"})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return invalid(name, "error.body.unknown_field", "unknown field "+name, nil)
	}
	return invalid("", "error.body.json", "malformed JSON", map[string]any{"Offset": "?"})
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "integer"
	case strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "slice", kind == "array":
		return "array"
	case kind == "struct", kind == "map", kind == "ptr":
		return "object"
	case kind == "bool":
		return "boolean"
	}
	return kind
}

// pathID parses the :id path parameter.
func pathID(c *gin.Context, name string) (uint64, error) {
	v := c.Param(name)
	id, err := strconv.ParseUint(v, 10, 64)
	if err != nil || id == 0 {
		return 0, invalid(name, "error.param.id", "bad id", map[string]any{"Value": truncate(v, 30)})
	}
	return id, nil
}

// queryInt parses an optional integer query parameter within [lo, hi].
func queryInt(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalid(name, "error.param.int", "bad integer", map[string]any{"Min": lo, "Max": hi})
	}
	return n, nil
}

// queryID parses an optional id query parameter (0 when absent).
func queryID(c *gin.Context, name string) (uint64, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return 0, nil
	}
	id, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, invalid(name, "error.param.id", "bad id", map[string]any{"Value": truncate(v, 30)})
	}
	return id, nil
}

// queryEnum parses an optional query parameter that must be one of allowed.
func queryEnum(c *gin.Context, name string, allowed ...string) (string, error) {
	v := c.Query(name)
	if v == "" {
		return "", nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", invalid(name, "error.param.enum", "bad value", map[string]any{"Allowed": strings.Join(allowed, ", ")})
}

// queryText parses an optional free-text query parameter.
func queryText(c *gin.Context, name string, maxLen int) (string, error) {
	v := strings.TrimSpace(c.Query(name))
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxLen {
		return "", invalid(name, "error.param.text", "bad text", nil)
	}
	return v, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// page reads the cursor and size of a listing: ?after= (the last id of the
// previous page) and ?limit= within [1, max].
func page(c *gin.Context, def, max int) (after uint64, limit int, err error) {
	if after, err = queryID(c, "after"); err != nil {
		return 0, 0, err
	}
	limit, err = queryInt(c, "limit", def, 1, max)
	return after, limit, err
}

// nextAfter is the cursor of the next page: the last id when the page is
// full, nil when there is nothing more.
func nextAfter(n, limit int, last func() uint64) *uint64 {
	if n == 0 || n < limit {
		return nil
	}
	id := last()
	return &id
}
