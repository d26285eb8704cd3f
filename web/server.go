package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/service"
)

// Store is what the web layer reads and writes itself (store.DB
// implements it): logins, sessions and password resets, which are about
// HTTP; the synonym list; backups; and what pages show besides the use
// cases' answers. Everything a person does to postings, profiles and
// matches goes through the use cases (service.Service).
type Store interface {
	Hub(ctx context.Context, id uint64) (*saperi.Hub, error)
	Hubs(ctx context.Context) ([]*saperi.Hub, error)
	Categories(ctx context.Context) ([]saperi.Category, error)
	Posting(ctx context.Context, id uint64) (*saperi.Posting, error)
	Postings(ctx context.Context, ids []uint64) ([]*saperi.Posting, error)
	Match(ctx context.Context, id uint64) (*saperi.Match, error)
	CreateSynonym(ctx context.Context, s *saperi.Synonym, ev saperi.Event) error
	Synonyms(ctx context.Context) ([]*saperi.Synonym, error)
	DeleteSynonym(ctx context.Context, id uint64, ev saperi.Event) error
	CreateConcept(ctx context.Context, c *saperi.Concept, ev saperi.Event) error
	Concepts(ctx context.Context) ([]*saperi.Concept, error)
	DeleteConcept(ctx context.Context, id string, ev saperi.Event) error
	Unsubscribe(ctx context.Context, email string, ev saperi.Event) error
	Backup(ctx context.Context, w io.Writer) (int64, error)

	// Accounts, sessions, tokens and login throttling (auth.go, reset.go,
	// ui_setup.go).
	CreateUser(ctx context.Context, u *saperi.User, ev saperi.Event) error
	User(ctx context.Context, id uint64) (*saperi.User, error)
	UserByEmail(ctx context.Context, email string) (*saperi.User, error)
	Users(ctx context.Context, role saperi.Role) ([]*saperi.User, error)
	CreateSession(ctx context.Context, hash []byte, s saperi.Session) error
	Session(ctx context.Context, hash []byte, now time.Time) (*saperi.Session, *saperi.User, error)
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteUserSessions(ctx context.Context, userID uint64) (int, error)
	TokenByHash(ctx context.Context, hash []byte) (*saperi.APIToken, error)
	LoginAttempts(ctx context.Context, keys ...string) (map[string]saperi.Attempts, error)
	FailLogin(ctx context.Context, now time.Time, keys ...string) error
	ClearLogin(ctx context.Context, key string) error
	SetPassword(ctx context.Context, id uint64, hash string, check func(*saperi.User) error, ev saperi.Event) (int, error)
	AddEvent(ctx context.Context, ev saperi.Event) error

	// Spreadsheets in and out, statistics (sheets.go, stats.go).
	hubStore
}

// Index is the search side (index.Index implements it).
type Index interface {
	Ready(ctx context.Context) (bool, error)
	// Similar, SetSynonyms and SuggestCategory: see web/synonym.go.
	Similar(ctx context.Context, text string, n int) ([]matcher.Hit, error)
	SetSynonyms(groups [][]string)
	SuggestCategory(text string) (string, float64)
}

// Deps are what the server is built from; cmd wires the concrete types.
type Deps struct {
	// Service is the use cases the handlers call.
	Service  *service.Service
	Store    Store
	Index    Index
	Now      func() time.Time
	Log      *slog.Logger
	Registry *prometheus.Registry
	Version  string
	// AllowedHosts, when set, are the only Host header names (without
	// port) the server answers: a server on loopback must not be reachable
	// through a hostile domain that resolves to 127.0.0.1 (DNS rebinding).
	AllowedHosts []string
	// SetupCode, when set, opens the first-run page /setup (ui_setup.go)
	// while no admin exists; cmd prints it at start.
	SetupCode string
	// SecureCookies marks cookies Secure even on plain-HTTP requests: for a
	// server behind a reverse proxy that terminates TLS.
	SecureCookies bool
	// LinkSecret verifies the signed links in mails (/l/{token}); without
	// it those links are refused.
	LinkSecret []byte
	// Reset, when set, records a mail to u with a link to set a new
	// password and wakes the sender (digest.Notifier.PasswordReset), the
	// same path as the "connected" mail. Without it no mail can be sent,
	// and /password/forgot says to ask at the desk.
	Reset func(ctx context.Context, u *saperi.User) error
	// ConceptNames, when set, gives a concept's name in a language other
	// than Italian, for the reasons (index.Index.ConceptName; see
	// locale.Catalog.SetConceptNames).
	ConceptNames func(name, lang string) string
}

// Server is the HTTP face of Saperi.
type Server struct {
	Deps
	svc     *service.Service
	log     *slog.Logger
	catalog *locale.Catalog
	pages   pages
	engine  *gin.Engine
	metrics *metrics
	apiDoc  []byte
	jobs    sheetJobs
	// conceptMu serialises handing the hubs' concepts to the index; bg
	// counts the goroutines doing it (Wait).
	conceptMu sync.Mutex
	bg        sync.WaitGroup
}

// Wait waits for the work the server started apart from requests (the
// index re-tagging postings with the hubs' concepts). Call it after the
// HTTP server has stopped and before the index is closed.
func (s *Server) Wait() { s.bg.Wait() }

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	if d.Service == nil {
		return nil, fmt.Errorf("web: no service")
	}
	cat, err := locale.New()
	if err != nil {
		return nil, err
	}
	cat.SetConceptNames(d.ConceptNames)
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	doc, err := mergeOpenAPI(openapiFS)
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, svc: d.Service, log: d.Log, catalog: cat, pages: pg, engine: gin.New(), apiDoc: doc}
	s.metrics, err = newMetrics(d.Registry, s)
	if err != nil {
		return nil, err
	}
	s.engine.HandleMethodNotAllowed = true
	s.engine.ContextWithFallback = true
	s.engine.Use(s.requestID, s.recover, s.observe, s.rememberLang, s.localize, s.checkHost, s.authenticate)
	s.routes()
	return s, nil
}

// Handler returns the server as an http.Handler, behind the standard
// library's cross-origin protection for state-changing requests: a
// browser's cross-site POST (Sec-Fetch-Site or an Origin that is not this
// host) is refused with 403 before any handler runs; requests without
// those headers (curl, integrations with a bearer token) pass. Every
// answer carries the headers of securityHeaders.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := s.catalog.For(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
		p := Problem{Type: "/api/openapi.json#problem-forbidden", Title: l.T("problem.forbidden", nil, "Forbidden"),
			Status: http.StatusForbidden, Code: saperi.EFORBIDDEN, Instance: r.URL.Path,
			Detail: l.T("error.cross_origin", nil, "cross-origin request refused")}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(p)
	}))
	return securityHeaders(cop.Handler(s.engine))
}

// checkHost refuses requests whose Host is not one of AllowedHosts.
func (s *Server) checkHost(c *gin.Context) {
	if len(s.AllowedHosts) == 0 {
		return
	}
	host := c.Request.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	for _, a := range s.AllowedHosts {
		if host == a {
			return
		}
	}
	s.fail(c, &saperi.Error{Code: saperi.EFORBIDDEN, Key: "error.host", Message: "unknown host name",
		Args: map[string]any{"Host": truncate(host, 60)}})
}

// Router exposes the Gin engine (route listings in tests).
func (s *Server) Router() *gin.Engine { return s.engine }

func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler())
	e.GET("/api/openapi.json", s.openapi)
	e.GET("/api", s.home)
	s.uiRoutes()
	s.hubRoutes()

	e.GET("/l/:token", s.linkPage)
	e.POST("/l/:token", s.linkAction)
	e.GET("/hubs/:id/noticeboard", s.noticeboard)

	pub := e.Group("/api/v1")
	pub.GET("/categories", s.listCategories)
	pub.POST("/auth/login", s.apiLogin)
	pub.POST("/auth/logout", s.apiLogout)

	// Everything else needs a login or a token; each handler then asks
	// saperi.Can about the object at hand.
	v1 := e.Group("/api/v1", s.requireLogin)
	v1.GET("/categories/suggest", s.suggestCategory)
	v1.GET("/synonyms", s.listSynonyms)
	v1.POST("/synonyms", s.createSynonym)
	v1.DELETE("/synonyms/:id", s.deleteSynonym)
	v1.GET("/concepts", s.listConcepts)
	v1.POST("/concepts", s.createConcept)
	v1.DELETE("/concepts/:id", s.deleteConcept)
	v1.POST("/auth/logout-all", s.apiLogoutAll)
	v1.GET("/me", s.me)
	v1.POST("/users", s.createUser)
	v1.GET("/users", s.listUsers)
	v1.POST("/tokens", s.createToken)
	v1.GET("/tokens", s.listTokens)
	v1.POST("/tokens/:id/revoke", s.revokeToken)
	v1.POST("/hubs", s.createHub)
	v1.GET("/hubs", s.listHubs)
	v1.GET("/hubs/:id", s.getHub)
	v1.POST("/profiles", s.createProfile)
	v1.GET("/profiles", s.listProfiles)
	v1.GET("/profiles/:id", s.getProfile)
	v1.PATCH("/profiles/:id", s.updateProfile)
	v1.POST("/postings", s.createPosting)
	v1.GET("/postings", s.listPostings)
	v1.GET("/postings/:id", s.getPosting)
	v1.PATCH("/postings/:id", s.updatePosting)
	v1.POST("/postings/:id/pause", s.transition(saperi.Pause))
	v1.POST("/postings/:id/resume", s.transition(saperi.Resume))
	v1.POST("/postings/:id/close", s.transition(saperi.Close))
	v1.POST("/postings/:id/renew", s.transition(saperi.Renew))
	v1.GET("/postings/:id/candidates", s.candidates)
	v1.POST("/stories/suggest", s.suggestStory)
	v1.GET("/postings/:id/matches", s.postingMatches)
	v1.GET("/search", s.search)
	v1.POST("/matches", s.proposeMatch)
	v1.GET("/matches/:id", s.getMatch)
	v1.POST("/matches/:id/accept", s.matchAction(saperi.Accept))
	v1.POST("/matches/:id/decline", s.matchAction(saperi.Decline))
	v1.POST("/matches/:id/withdraw", s.matchAction(saperi.Withdraw))
	v1.POST("/matches/:id/complete", s.matchAction(saperi.Complete))
	v1.POST("/matches/:id/notes", s.matchAction(saperi.Note))
	v1.GET("/events", s.listEvents)
	v1.GET("/admin/backup", s.backup)
	v1.GET("/profiles/:id/export", s.exportProfile)
	v1.DELETE("/profiles/:id", s.eraseProfile)
	v1.GET("/hubs/:id/queue", s.queue)
	v1.POST("/matches/:id/contacts", s.recordContact)
	v1.PATCH("/hubs/:id", s.updateHub)
	v1.POST("/categories", s.createCategory)
	v1.PATCH("/categories/:id", s.renameCategory)

	e.NoRoute(func(c *gin.Context) {
		if uiRoute(c.Request.URL.Path) {
			s.pageFail(c, &saperi.Error{Code: saperi.ENOTFOUND, Key: "ui.error.page", Message: "no such page"})
			return
		}
		s.fail(c, &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.route", Message: "no such route"})
	})
	e.NoMethod(func(c *gin.Context) {
		s.problem(c, http.StatusMethodNotAllowed, &saperi.Error{Code: saperi.EINVALID, Key: "error.method",
			Message: "method not allowed", Args: map[string]any{"Method": c.Request.Method}})
	})
}

const requestIDKey = "saperi.request_id"

func (s *Server) requestID(c *gin.Context) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

// recover turns a panic into an internal-error problem.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.ErrorContext(c.Request.Context(), "panic", "value", fmt.Sprint(r), "stack", string(debug.Stack()))
			s.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// actor names who performs an action in the audit trail: "operator/5",
// "token/2" (saperi.Principal.Actor).
func actor(c *gin.Context) string { return principal(c).Actor() }

// event starts an audit entry: actor the caller; onBehalfOf the person
// concerned when the caller acts for somebody (an operator at the desk),
// so that the person sees it in their own trail.
func (s *Server) event(c *gin.Context, action string, onBehalfOf uint64) saperi.Event {
	return saperi.Event{At: s.Now().UTC(), Actor: actor(c), Action: action, OnBehalfOf: onBehalfOf}
}

func (s *Server) home(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"service": "saperi", "version": s.Version,
		"api": "/api/v1", "docs": "/api/openapi.json", "health": "/healthz"})
}
