package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// exportView is everything Saperi holds about one profile.
type exportView struct {
	Exported time.Time         `json:"exported"`
	Profile  profileView       `json:"profile"`
	Accounts []userView        `json:"accounts"`
	Postings []*saperi.Posting `json:"postings"`
	Matches  []matchView       `json:"matches"`
	Events   []saperi.Event    `json:"events"`
}

// export gathers profile id's data for whoever may edit it.
func (s *Server) export(c *gin.Context, id uint64) (exportView, error) {
	ctx := c.Request.Context()
	x, err := s.svc.ExportPerson(ctx, id)
	if err != nil {
		return exportView{}, err
	}
	sh, err := s.svc.Shares(ctx)
	if err != nil {
		return exportView{}, err
	}
	out := exportView{Exported: x.Exported, Profile: viewProfile(x.Profile, true), Accounts: []userView{},
		Postings: []*saperi.Posting{}, Matches: []matchView{}, Events: x.Events}
	for _, u := range x.Accounts {
		out.Accounts = append(out.Accounts, viewUser(u))
	}
	out.Postings = append(out.Postings, x.Postings...)
	for _, m := range x.Matches {
		out.Matches = append(out.Matches, s.viewMatch(c, m, sh))
	}
	return out, nil
}

// exportProfile answers "export all my data" as a JSON download.
func (s *Server) exportProfile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.export(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="saperi-profile-%d.json"`, id))
	c.JSON(http.StatusOK, out)
}

// eraseProfile erases a profile ("erase my account"): gone from the store
// and the index, matches anonymised, the audit trail kept without
// personal details.
func (s *Server) eraseProfile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	n, err := s.eraseAndLogout(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

func (s *Server) eraseAndLogout(c *gin.Context, id uint64) (saperi.Erasure, error) {
	n, err := s.svc.Erase(c.Request.Context(), id)
	if err != nil {
		return n, err
	}
	if principal(c).ProfileID == id {
		s.clearCookie(c) // the session went with the account
	}
	return n, nil
}
