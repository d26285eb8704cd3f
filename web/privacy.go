package web

import (
	"context"
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

// export gathers a profile's data for whoever may edit it.
func (s *Server) export(c *gin.Context, p *saperi.Profile) (exportView, error) {
	ctx := c.Request.Context()
	out := exportView{Exported: s.Now().UTC(), Profile: viewProfile(p, true), Accounts: []userView{},
		Postings: []*saperi.Posting{}, Matches: []matchView{}, Events: []saperi.Event{}}
	users, err := s.Store.ProfileUsers(ctx, p.ID)
	if err != nil {
		return out, err
	}
	for _, u := range users {
		out.Accounts = append(out.Accounts, viewUser(u))
	}
	for after := uint64(0); ; {
		page, err := s.Store.ListPostings(ctx, saperi.PostingFilter{ProfileID: p.ID, After: after, Limit: 500})
		if err != nil {
			return out, err
		}
		out.Postings = append(out.Postings, page...)
		if len(page) < 500 {
			break
		}
		after = page[len(page)-1].ID
	}
	sh, err := s.shares(ctx)
	if err != nil {
		return out, err
	}
	for _, post := range out.Postings {
		ms, err := s.Store.MatchesOf(ctx, post.ID)
		if err != nil {
			return out, err
		}
		for _, m := range ms {
			out.Matches = append(out.Matches, s.viewMatch(c, m, sh))
		}
	}
	out.Events, err = s.allEvents(ctx, p.ID)
	return out, err
}

func (s *Server) allEvents(ctx context.Context, profileID uint64) ([]saperi.Event, error) {
	out := []saperi.Event{}
	for after := uint64(0); ; {
		page, err := s.Store.Events(ctx, profileID, after, 500)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

// allowProfile loads profile id and checks v on it; on failure it has
// answered and returns nil.
func (s *Server) allowProfile(c *gin.Context, v saperi.Verb) *saperi.Profile {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return nil
	}
	p, err := s.Store.Profile(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil
	}
	if !s.allow(c, v, saperi.ProfileResource(p)) {
		return nil
	}
	return p
}

// exportProfile answers "export all my data" as a JSON download.
func (s *Server) exportProfile(c *gin.Context) {
	p := s.allowProfile(c, saperi.Edit)
	if p == nil {
		return
	}
	out, err := s.export(c, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="saperi-profile-%d.json"`, p.ID))
	c.JSON(http.StatusOK, out)
}

// eraseProfile erases a profile ("erase my account"): gone from the store
// and the index, matches anonymised, the audit trail kept without
// personal details.
func (s *Server) eraseProfile(c *gin.Context) {
	p := s.allowProfile(c, saperi.Edit)
	if p == nil {
		return
	}
	n, err := s.eraseAndLogout(c, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

func (s *Server) eraseAndLogout(c *gin.Context, p *saperi.Profile) (any, error) {
	n, err := s.Store.EraseProfile(c.Request.Context(), p.ID, s.event(c, "profile.erase", 0))
	if err != nil {
		return nil, err
	}
	s.Index.Notify()
	if s.Erased != nil {
		s.Erased(c.Request.Context(), n)
	}
	if principal(c).ProfileID == p.ID {
		s.clearCookie(c) // the session went with the account
	}
	return n, nil
}
