package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
	"github.com/saperi/saperi/index"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/store"
)

// testNow is the fixed clock of the web tests.
var testNow = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// env is a server over a real bbolt store and a real bleve index in a
// temporary folder.
type env struct {
	tb      testing.TB
	srv     *Server
	db      *store.DB
	ix      *index.Index
	handler http.Handler
	// token is an admin API token every request sends unless told
	// otherwise (doAs).
	token string
	// responses records every JSON answer, for the OpenAPI check.
	responses []recorded
	// hooks are what the use cases tell after a commit; a test sets them.
	hooks *envHooks
}

// envHooks are the service's hooks in tests.
type envHooks struct {
	connected func(ctx context.Context, m *saperi.Match) error
	// signupConfirm and signupTaken are the sign-up mails (withMail);
	// unset, a sign-up is taken and nothing is mailed.
	signupConfirm func(ctx context.Context, p *saperi.PendingSignup) error
	signupTaken   func(ctx context.Context, u *saperi.User) error
}

type recorded struct {
	method, route string
	status        int
	ctype         string
	body          []byte
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(filepath.Join(dir, "saperi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := index.Open(context.Background(), filepath.Join(dir, "index.bleve"), db, index.Options{}, log)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = ix.Close()
		_ = db.Close()
	})
	eng := &matcher.Engine{Retriever: ix, Source: db, Analyzer: ix, Lexicon: ix, Scorer: matcher.NewScorer(matcher.Weights{}), Pool: 50}
	hooks := &envHooks{}
	svc := service.New(service.Deps{Store: db, Index: syncIndex{ix}, Engine: eng, Now: func() time.Time { return testNow }, Log: log,
		Connected: func(ctx context.Context, m *saperi.Match) error {
			if hooks.connected != nil {
				return hooks.connected(ctx, m)
			}
			return nil
		},
		SignupConfirm: func(ctx context.Context, p *saperi.PendingSignup) error {
			if hooks.signupConfirm != nil {
				return hooks.signupConfirm(ctx, p)
			}
			return nil
		},
		SignupTaken: func(ctx context.Context, u *saperi.User) error {
			if hooks.signupTaken != nil {
				return hooks.signupTaken(ctx, u)
			}
			return nil
		}})
	srv, err := New(Deps{Service: svc, Store: db, Index: syncIndex{ix}, Now: func() time.Time { return testNow }, Log: log})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Wait) // before the index and the store close
	token, err := auth.IssueToken(context.Background(), db, &saperi.APIToken{Name: "tests", Role: saperi.RoleAdmin,
		CreatedBy: "tests", Created: testNow}, saperi.Event{At: testNow, Actor: "tests"})
	if err != nil {
		tb.Fatal(err)
	}
	return &env{tb: tb, srv: srv, db: db, ix: ix, handler: srv.Handler(), token: token, hooks: hooks}
}

// syncIndex applies changes at once on Notify, so tests see their writes
// in search without a background loop.
type syncIndex struct{ *index.Index }

func (s syncIndex) Notify() {
	if _, err := s.Index.Sync(context.Background()); err != nil {
		panic(err)
	}
}

// do sends a request with an optional JSON (or raw []byte / string) body,
// as the admin token.
func (e *env) do(method, path string, body any, hdr ...string) *httptest.ResponseRecorder {
	e.tb.Helper()
	return e.doAs(e.token, method, path, body, hdr...)
}

// doAs sends a request with the credentials auth: an API token ("spt_…"),
// a session cookie ("sps_…"), or nobody ("").
func (e *env) doAs(auth, method, path string, body any, hdr ...string) *httptest.ResponseRecorder {
	e.tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.tb.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "127.0.0.1:40000"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case strings.HasPrefix(auth, "spt_"):
		req.Header.Set("Authorization", "Bearer "+auth)
	case strings.HasPrefix(auth, "sps_"):
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: auth})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	e.responses = append(e.responses, recorded{method: method, route: routeOf(e.srv, method, req.URL.Path),
		status: w.Code, ctype: w.Header().Get("Content-Type"), body: w.Body.Bytes()})
	return w
}

// must sends a request and fails the test unless it answers want; it
// decodes the JSON answer into out when out is not nil.
func (e *env) must(want int, method, path string, body any, out any) {
	e.tb.Helper()
	w := e.do(method, path, body)
	if w.Code != want {
		e.tb.Fatalf("%s %s: status %d, want %d: %s", method, path, w.Code, want, w.Body.String())
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			e.tb.Fatalf("%s %s: %v: %s", method, path, err, w.Body.String())
		}
	}
}

// routeOf finds the Gin route pattern a path is served by.
func routeOf(s *Server, method, path string) string {
	for _, r := range s.Router().Routes() {
		if r.Method == method && matchPattern(r.Path, path) {
			return r.Path
		}
	}
	return ""
}

func matchPattern(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], ":") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// fixture creates a hub and two residents, one of whom asks and one offers.
type fixture struct {
	hub          saperi.Hub
	maria, ahmed profileView
	need, offer  saperi.Posting
}

func (e *env) fixture() fixture {
	e.tb.Helper()
	var f fixture
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Portineria di Porta Palazzo", "area": "Aurora",
		"point": map[string]float64{"lat": 45.083, "lon": 7.686}}, &f.hub)
	e.must(201, "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Maria Rossi", "hub_id": f.hub.ID,
		"area": "Aurora", "point": map[string]float64{"lat": 45.084, "lon": 7.687}, "languages": []string{"it"},
		"contacts": map[string]string{"email": "maria@example.org", "phone": "+39 011 000 0001"},
		"consent":  map[string]string{"text": "Acconsento al trattamento", "version": "1", "by": "self"}}, &f.maria)
	e.must(201, "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Ahmed Benali", "hub_id": f.hub.ID,
		"area": "Aurora", "point": map[string]float64{"lat": 45.086, "lon": 7.690}, "languages": []string{"it", "ar", "fr"},
		"contacts": map[string]string{"phone": "+39 011 000 0002"},
		"consent":  map[string]string{"text": "Consenso letto allo sportello", "version": "1", "by": "operator", "recorded_by": "op1"}}, &f.ahmed)
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": f.maria.ID,
		"title": "Cerco qualcuno che mi aiuti con il computer", "description": "Devo imparare a usare la posta elettronica e lo SPID.",
		"category": "digitale", "slots": []map[string]string{{"day": "tue", "from": "09:00", "to": "12:00"}}}, &f.need)
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "offer", "profile_id": f.ahmed.ID,
		"title": "Aiuto con computer e smartphone", "description": "Insegno a usare il computer, la posta elettronica e lo SPID.",
		"category": "digitale", "tags": []string{"computer", "spid"}, "mode": "either",
		"slots": []map[string]string{{"day": "tue", "from": "10:00", "to": "13:00"}}}, &f.offer)
	return f
}

// operatorToken creates a new hub named hubName and an operator API token
// for it, and returns the token's secret.
func (e *env) operatorToken(hubName string) string {
	e.tb.Helper()
	var h saperi.Hub
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": hubName}, &h)
	var tok tokenView
	e.must(201, "POST", "/api/v1/tokens", map[string]any{"name": "desk " + hubName, "role": "operator", "hub_id": h.ID}, &tok)
	return tok.Secret
}

// decodeInto decodes a JSON answer or fails the test.
func decodeInto(tb testing.TB, raw []byte, out any) {
	tb.Helper()
	if err := json.Unmarshal(raw, out); err != nil {
		tb.Fatalf("decode %s: %v", raw, err)
	}
}
