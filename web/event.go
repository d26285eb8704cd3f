package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// listEvents shows the audit trail, optionally of one profile.
func (s *Server) listEvents(c *gin.Context) {
	profile, err := queryID(c, "profile_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	after, limit, err := page(c, 100, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	evs, err := s.svc.Events(c.Request.Context(), profile, after, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if evs == nil {
		evs = []saperi.Event{}
	}
	c.JSON(http.StatusOK, gin.H{"items": evs, "next_after": nextAfter(len(evs), limit, func() uint64 { return evs[len(evs)-1].ID })})
}

// backup streams a consistent copy of the store, to admins only.
func (s *Server) backup(c *gin.Context) {
	if !s.admin(c) {
		return
	}
	// A large store may take longer than the server's write timeout.
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{})
	c.Header("Content-Type", "application/octet-stream")
	c.Header("Content-Disposition", `attachment; filename="saperi-backup.db"`)
	n, err := s.Store.Backup(c.Request.Context(), c.Writer)
	if err != nil {
		// The headers are gone: break the connection so the client
		// sees a failed transfer, never a short file that looks whole.
		s.log.ErrorContext(c.Request.Context(), "backup failed", "err", err, "bytes", n)
		panic(http.ErrAbortHandler)
	}
	s.log.InfoContext(c.Request.Context(), "backup served", "bytes", fmt.Sprint(n))
}
