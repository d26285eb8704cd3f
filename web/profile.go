package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

type consentInput struct {
	Text       string `json:"text"`
	Version    string `json:"version"`
	By         string `json:"by"`
	RecordedBy string `json:"recorded_by"`
}

type profileInput struct {
	Kind      saperi.ProfileKind `json:"kind"`
	Name      string             `json:"name"`
	HubID     uint64             `json:"hub_id"`
	Area      string             `json:"area"`
	Point     *saperi.Point      `json:"point"`
	Languages []string           `json:"languages"`
	Lang      string             `json:"lang"`
	Contacts  saperi.Contacts    `json:"contacts"`
	Consent   consentInput       `json:"consent"`
	Story     string             `json:"story"`
}

// profilePatch changes only the fields present.
type profilePatch struct {
	Name      *string          `json:"name"`
	HubID     *uint64          `json:"hub_id"`
	Area      *string          `json:"area"`
	Point     *saperi.Point    `json:"point"`
	Languages *[]string        `json:"languages"`
	Lang      *string          `json:"lang"`
	Contacts  *saperi.Contacts `json:"contacts"`
	Story     *string          `json:"story"`
}

func (s *Server) createProfile(c *gin.Context) {
	var in profileInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	p := &saperi.Profile{Kind: in.Kind, Name: in.Name, HubID: in.HubID, Area: in.Area, Point: in.Point,
		Languages: in.Languages, Lang: in.Lang, Contacts: in.Contacts, Story: in.Story,
		Consent: saperi.Consent{Text: in.Consent.Text, Version: in.Consent.Version, By: in.Consent.By,
			RecordedBy: in.Consent.RecordedBy}}
	if err := s.svc.CreateProfile(c.Request.Context(), p); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/profiles/"+strconv.FormatUint(p.ID, 10))
	c.JSON(http.StatusCreated, viewProfile(p, true))
}

func (s *Server) getProfile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	p, contacts, err := s.svc.Profile(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewProfile(p, contacts))
}

func (s *Server) listProfiles(c *gin.Context) {
	hub, err := queryID(c, "hub_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	after, limit, err := page(c, 50, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.svc.Profiles(c.Request.Context(), hub, after, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]profileView, 0, len(list))
	for _, p := range list {
		items = append(items, viewProfile(p, can(c, saperi.SeeContacts, saperi.ProfileResource(p))))
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_after": nextAfter(len(list), limit, func() uint64 { return list[len(list)-1].ID })})
}

func (s *Server) updateProfile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in profilePatch
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.svc.UpdateProfile(c.Request.Context(), id, func(p *saperi.Profile) error {
		if in == (profilePatch{}) {
			return invalid("", "error.patch.empty", "nothing to change", nil)
		}
		setIf(&p.Name, in.Name)
		setIf(&p.HubID, in.HubID)
		setIf(&p.Area, in.Area)
		setIf(&p.Languages, in.Languages)
		setIf(&p.Lang, in.Lang)
		setIf(&p.Contacts, in.Contacts)
		setIf(&p.Story, in.Story)
		if in.Point != nil {
			p.Point = in.Point
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	// Contacts are echoed only to whoever just sent them.
	c.JSON(http.StatusOK, viewProfile(p, in.Contacts != nil))
}

// setIf sets *dst to *src when src is present.
func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
