package web

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi/matcher"
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
	evs, err := s.Store.Events(c.Request.Context(), profile, after, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if evs == nil {
		evs = []matcher.Event{}
	}
	c.JSON(http.StatusOK, gin.H{"items": evs, "next_after": nextAfter(len(evs), limit, func() uint64 { return evs[len(evs)-1].ID })})
}

// backup streams a consistent copy of the store. Until accounts exist it
// answers only clients on the loopback interface.
func (s *Server) backup(c *gin.Context) {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		s.fail(c, matcher.Errorf(matcher.EFORBIDDEN, "error.backup.loopback", "backups are served to this machine only"))
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
