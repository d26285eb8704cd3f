package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/saperi/saperi/matcher"
)

// Store is what the web layer reads and writes (store.DB implements it).
type Store interface {
	matcher.Source
	CreateHub(ctx context.Context, h *matcher.Hub) error
	Hub(ctx context.Context, id uint64) (*matcher.Hub, error)
	Hubs(ctx context.Context) ([]*matcher.Hub, error)
	Categories(ctx context.Context) ([]matcher.Category, error)
	CreateProfile(ctx context.Context, p *matcher.Profile, ev matcher.Event) error
	UpdateProfile(ctx context.Context, id uint64, fn func(*matcher.Profile) error, ev matcher.Event) (*matcher.Profile, error)
	Profile(ctx context.Context, id uint64) (*matcher.Profile, error)
	Profiles(ctx context.Context, hubID, after uint64, limit int) ([]*matcher.Profile, error)
	CreatePosting(ctx context.Context, p *matcher.Posting, ev matcher.Event) error
	UpdatePosting(ctx context.Context, id uint64, fn func(*matcher.Posting) error, ev matcher.Event) (*matcher.Posting, error)
	ListPostings(ctx context.Context, f matcher.PostingFilter) ([]*matcher.Posting, error)
	CreateMatch(ctx context.Context, m *matcher.Match, ev matcher.Event) error
	UpdateMatch(ctx context.Context, id uint64, fn func(*matcher.Match) error, ev matcher.Event) (*matcher.Match, error)
	Match(ctx context.Context, id uint64) (*matcher.Match, error)
	MatchesOf(ctx context.Context, postingID uint64) ([]*matcher.Match, error)
	Events(ctx context.Context, profileID, after uint64, limit int) ([]matcher.Event, error)
	Unsubscribe(ctx context.Context, email string, ev matcher.Event) error
	Backup(ctx context.Context, w io.Writer) (int64, error)
}

// Index is the search side (index.Index implements it).
type Index interface {
	Search(ctx context.Context, text string, f matcher.SearchFilter) ([]matcher.Hit, uint64, error)
	Ready(ctx context.Context) (bool, error)
	Notify()
}

// Deps are what the server is built from; cmd wires the concrete types.
type Deps struct {
	Store    Store
	Index    Index
	Engine   *matcher.Engine
	Now      func() time.Time
	Log      *slog.Logger
	Registry *prometheus.Registry
	Version  string
	// LinkSecret verifies the signed links in mails (/l/{token}); without
	// it those links are refused.
	LinkSecret []byte
	// Connected, when set, is told of each match that just became
	// connected, after the change is committed (the "you are in touch"
	// mail).
	Connected func(ctx context.Context, m *matcher.Match) error
}

// Server is the HTTP face of Saperi.
type Server struct {
	Deps
	log     *slog.Logger
	catalog *Catalog
	engine  *gin.Engine
	metrics *metrics
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	cat, err := NewCatalog()
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Deps: d, log: d.Log, catalog: cat, engine: gin.New()}
	s.metrics, err = newMetrics(d.Registry, s)
	if err != nil {
		return nil, err
	}
	s.engine.HandleMethodNotAllowed = true
	s.engine.ContextWithFallback = true
	s.engine.Use(s.requestID, s.recover, s.observe, s.localize)
	s.routes()
	return s, nil
}

// Handler returns the server as an http.Handler, behind the standard
// library's cross-origin protection for state-changing requests.
func (s *Server) Handler() http.Handler {
	return http.NewCrossOriginProtection().Handler(s.engine)
}

// Router exposes the Gin engine (route listings in tests).
func (s *Server) Router() *gin.Engine { return s.engine }

func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler())
	e.GET("/api/openapi.json", s.openapi)
	e.GET("/", s.home)

	e.GET("/l/:token", s.linkPage)
	e.POST("/l/:token", s.linkAction)
	e.GET("/hubs/:id/noticeboard", s.noticeboard)

	v1 := e.Group("/api/v1")
	v1.GET("/categories", s.listCategories)
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
	v1.POST("/postings/:id/pause", s.transition(matcher.Pause))
	v1.POST("/postings/:id/resume", s.transition(matcher.Resume))
	v1.POST("/postings/:id/close", s.transition(matcher.Close))
	v1.POST("/postings/:id/renew", s.transition(matcher.Renew))
	v1.GET("/postings/:id/candidates", s.candidates)
	v1.GET("/postings/:id/matches", s.postingMatches)
	v1.GET("/search", s.search)
	v1.POST("/matches", s.proposeMatch)
	v1.GET("/matches/:id", s.getMatch)
	v1.POST("/matches/:id/accept", s.matchAction(matcher.Accept))
	v1.POST("/matches/:id/decline", s.matchAction(matcher.Decline))
	v1.POST("/matches/:id/withdraw", s.matchAction(matcher.Withdraw))
	v1.POST("/matches/:id/complete", s.matchAction(matcher.Complete))
	v1.POST("/matches/:id/notes", s.matchAction(matcher.Note))
	v1.GET("/events", s.listEvents)
	v1.GET("/admin/backup", s.backup)

	e.NoRoute(func(c *gin.Context) {
		s.fail(c, &matcher.Error{Code: matcher.ENOTFOUND, Key: "error.route", Message: "no such route"})
	})
	e.NoMethod(func(c *gin.Context) {
		s.problem(c, http.StatusMethodNotAllowed, &matcher.Error{Code: matcher.EINVALID, Key: "error.method",
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
			s.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// actor names who performs API actions. Until accounts exist every API
// caller is "api"; the audit trail records it all the same.
func actor(*gin.Context) string { return "api" }

func (s *Server) event(c *gin.Context, action string, onBehalfOf uint64) matcher.Event {
	return matcher.Event{At: s.Now().UTC(), Actor: actor(c), Action: action, OnBehalfOf: onBehalfOf}
}

func (s *Server) home(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"service": "saperi", "version": s.Version,
		"api": "/api/v1", "docs": "/api/openapi.json", "health": "/healthz"})
}
