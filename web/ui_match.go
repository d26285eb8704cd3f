package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/service"
)

// matchCard is a match as a person (or a desk) reads it: what was
// proposed to whom, why, where it stands, and only the actions the reader
// may take.
type matchCard struct {
	M           *saperi.Match
	Need, Offer *saperi.Posting
	// NeedWho and OfferWho name each side as the reader may know it: the
	// person's name, or "a person of the X hub".
	NeedWho, OfferWho string
	// Mine and Other are the reader's side and the other (for a desk, the
	// need and the offer).
	Mine, Other *saperi.Posting
	Side        saperi.Side
	Reasons     []string
	Parties     *service.Parties
	OtherParty  *service.Party
	Rights      service.Rights
	Accepted    bool // the reader's side has accepted
	CanAnswer   bool // the reader may still accept or decline for their side
	Open        bool // accept or decline still possible for some side
	// History is the match's story in sentences, oldest first.
	History []historyLine
}

type historyLine struct{ Date, Text string }

// cardKit builds match cards for one request: the caller's rights, the
// hubs' names and the actors' names are read once.
type cardKit struct {
	s      *Server
	c      *gin.Context
	l      *locale.Localizer
	sh     service.Shares
	hubs   map[uint64]string
	actors func(string) service.Actor
}

func (s *Server) cardKit(c *gin.Context) (*cardKit, error) {
	ctx := c.Request.Context()
	sh, err := s.svc.Shares(ctx)
	if err != nil {
		return nil, err
	}
	hubs, err := s.svc.HubNames(ctx)
	if err != nil {
		return nil, err
	}
	return &cardKit{s: s, c: c, l: loc(c), sh: sh, hubs: hubs, actors: s.svc.Actors(ctx)}, nil
}

// card describes m for the side of profileID (the need side when 0).
func (k *cardKit) card(m *saperi.Match, profileID uint64) matchCard {
	ctx := k.c.Request.Context()
	side := saperi.NeedSide
	if profileID != 0 && m.OfferProfileID == profileID {
		side = saperi.OfferSide
	}
	v := k.s.viewMatch(k.c, m, k.sh)
	card := matchCard{M: m, Side: side, Reasons: v.Reasons, Parties: v.Contacts}
	ps, _ := k.s.svc.PostingsOf(ctx, m)
	for _, p := range ps {
		if p.ID == m.NeedID {
			card.Need = p
		} else {
			card.Offer = p
		}
	}
	card.NeedWho = k.who(m.NeedProfileID, card.Need)
	card.OfferWho = k.who(m.OfferProfileID, card.Offer)
	card.Mine, card.Other = card.Need, card.Offer
	if side == saperi.OfferSide {
		card.Mine, card.Other = card.Offer, card.Need
	}
	card.Rights, _ = k.s.svc.RightsOn(ctx, m, k.sh)
	card.Open = m.State == saperi.Proposed || m.State == saperi.AcceptedNeed || m.State == saperi.AcceptedOffer
	card.Accepted = (side == saperi.NeedSide && m.NeedAccepted) || (side == saperi.OfferSide && m.OfferAccepted)
	card.CanAnswer = card.Open && !card.Accepted
	if v.Contacts != nil {
		o := v.Contacts.Offer
		if side == saperi.OfferSide {
			o = v.Contacts.Need
		}
		card.OtherParty = &o
	}
	for _, e := range m.History {
		card.History = append(card.History, historyLine{Date: fmtDate(k.l, e.At), Text: k.historyText(e)})
	}
	return card
}

// who names one side of a match: the person when the reader may see
// them, else "a person of <hub>".
func (k *cardKit) who(profileID uint64, p *saperi.Posting) string {
	if name := k.s.svc.PersonName(k.c.Request.Context(), profileID); name != "" {
		return name
	}
	if p != nil {
		if h := k.hubs[p.HubID]; h != "" {
			return k.l.T("ui.card.someone_of", map[string]any{"Hub": h}, "")
		}
	}
	return k.l.T("ui.card.someone", nil, "")
}

// actorText names an actor in a sentence ("Giulia Bianchi, dello
// sportello di Porta Palazzo").
func (k *cardKit) actorText(actor string) string {
	a := k.actors(actor)
	switch a.Kind {
	case service.ActorEngine:
		return k.l.T("ui.actor.engine", nil, "")
	case service.ActorLink:
		return k.l.T("ui.actor.link", nil, "")
	case service.ActorSignup:
		return k.l.T("ui.actor.signup", nil, "")
	case service.ActorToken:
		return k.l.T("ui.actor.token", map[string]any{"Name": a.Name}, "")
	case service.ActorUser:
		switch {
		case a.Name == "":
			return k.l.T("ui.actor.someone", nil, "")
		case a.Role == saperi.RoleOperator && k.hubs[a.HubID] != "":
			return k.l.T("ui.actor.operator", map[string]any{"Name": a.Name, "Hub": k.hubs[a.HubID]}, "")
		case a.Role == saperi.RoleAdmin:
			return k.l.T("ui.actor.admin", map[string]any{"Name": a.Name}, "")
		}
		return a.Name
	}
	return k.l.T("ui.actor.system", nil, "")
}

// historyText is one entry of a match's history as a sentence.
func (k *cardKit) historyText(e saperi.MatchEvent) string {
	if e.Action == saperi.Propose && e.Actor == saperi.ByEngine {
		return k.l.T("ui.history.propose_engine", nil, "")
	}
	args := map[string]any{"Who": k.actorText(e.Actor)}
	if e.Side != "" {
		args["Side"] = k.l.T("ui.side."+string(e.Side), nil, string(e.Side))
	}
	if e.Outcome != "" {
		args["Outcome"] = k.l.T("ui.outcome."+e.Outcome, nil, e.Outcome)
	}
	text := k.l.T("ui.history."+string(e.Action), args, string(e.Action))
	if e.Note != "" {
		text += " — «" + e.Note + "»"
	}
	return text
}

func (s *Server) matchCards(c *gin.Context, profileID uint64) ([]matchCard, error) {
	ms, err := s.svc.MatchesOfProfile(c.Request.Context(), profileID)
	if err != nil {
		return nil, err
	}
	k, err := s.cardKit(c)
	if err != nil {
		return nil, err
	}
	out := make([]matchCard, 0, len(ms))
	for _, m := range ms {
		out = append(out, k.card(m, profileID))
	}
	return out, nil
}

func (s *Server) matchesPage(c *gin.Context) {
	p := s.ownProfile(c)
	if p == nil {
		return
	}
	cards, err := s.matchCards(c, p.ID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "matches", "ui.matches.title", view{Data: cards})
}

// answerSubmit is a person accepting or declining a proposal for their
// own side.
func (s *Server) answerSubmit(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	a := saperi.Action(c.PostForm("action"))
	if a != saperi.Accept && a != saperi.Decline {
		s.pageFail(c, saperi.Invalid("action", "ui.error.action", "unknown action"))
		return
	}
	// A person answers for their own side (the service finds which).
	if _, err := s.svc.Act(c.Request.Context(), id, a, "", ""); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/matches?ok=ui.flash.answered")
}
