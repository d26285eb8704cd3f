package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// trailLine is one entry of a person's audit trail as a sentence: "Giulia
// Bianchi, dello sportello di Porta Palazzo, ha scritto la richiesta
// «Spesa per mia madre»".
type trailLine struct{ Date, Text string }

// trail is profile id's audit trail in sentences, newest last; postings
// name the subjects they can ("posting/42" becomes its title).
func (s *Server) trail(c *gin.Context, id uint64, postings []*saperi.Posting) ([]trailLine, error) {
	evs, err := s.svc.Trail(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	k, err := s.cardKit(c)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]*saperi.Posting, len(postings))
	for _, p := range postings {
		titles["posting/"+strconv.FormatUint(p.ID, 10)] = p
	}
	out := make([]trailLine, 0, len(evs))
	for _, e := range evs {
		args := map[string]any{"Who": k.actorText(e.Actor)}
		key := "ui.event." + e.Action
		if p := titles[e.Subject]; p != nil {
			args["Title"] = p.Title
			args["Kind"] = k.l.T("ui.kind_article."+string(p.Kind), nil, string(p.Kind))
			key += ".titled"
		}
		text := k.l.T(key, args, "")
		if text == "" || text == key {
			text = k.l.T("ui.event.other", args, "")
		}
		out = append(out, trailLine{Date: fmtDate(k.l, e.At), Text: capitalize(text)})
	}
	return out, nil
}

// capitalize upper-cases the first letter of a sentence.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
