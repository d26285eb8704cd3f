package service

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/sheet"
)

// ExportStore is what an export reads (store.DB implements it).
type ExportStore interface {
	Hub(ctx context.Context, id uint64) (*saperi.Hub, error)
	Hubs(ctx context.Context) ([]*saperi.Hub, error)
	Profile(ctx context.Context, id uint64) (*saperi.Profile, error)
	Profiles(ctx context.Context, hubID, after uint64, limit int) ([]*saperi.Profile, error)
	ListPostings(ctx context.Context, f saperi.PostingFilter) ([]*saperi.Posting, error)
	Postings(ctx context.Context, ids []uint64) ([]*saperi.Posting, error)
	ScanMatches(ctx context.Context, batch int, fn func([]*saperi.Match) error) error
}

// What an export holds.
const (
	ExportPeople   = "people"
	ExportPostings = "postings"
	ExportMatches  = "matches"
)

// ExportOptions say what to export.
type ExportOptions struct {
	What   string // ExportPeople, ExportPostings or ExportMatches
	Format string // sheet.CSV or sheet.XLSX
	// HubID is the hub to export; 0 is the operator's own hub, or every
	// hub for an admin.
	HubID    uint64
	Now      time.Time
	Location *time.Location // Europe/Rome when nil
}

// Column names of the exports: Italian, and those the import reads back
// (see headerNames), so that an export imports into another store.
var (
	peopleColumns = []string{"id", "nome", "tipo_profilo", "telefono", "email", "quartiere", "lingue", "racconto",
		"creato", "portineria"}
	postingColumns = []string{"id_annuncio", "id_persona", "tipo", "titolo", "descrizione", "categoria", "etichette",
		"disponibilita", "modalita", "distanza_km", "capacita", "stato", "urgente", "quartiere", "scadenza", "creato",
		"portineria"}
	matchColumns = []string{"id_abbinamento", "stato", "punteggio", "proposto_da", "creato", "aggiornato",
		"id_annuncio_cerca", "titolo_cerca", "id_persona_cerca", "persona_cerca", "telefono_cerca", "email_cerca",
		"id_annuncio_offre", "titolo_offre", "id_persona_offre", "persona_offre", "telefono_offre", "email_offre"}
)

// ExportHub resolves which hub an export covers for p: an operator's own
// hub (another is forbidden), any hub or all (0) for an admin. Others may
// not export.
func ExportHub(p saperi.Principal, hubID uint64) (uint64, error) {
	switch {
	case p.Role == saperi.RoleAdmin:
		return hubID, nil
	case p.Role == saperi.RoleOperator && p.HubID != 0 && (hubID == 0 || hubID == p.HubID):
		return p.HubID, nil
	}
	return 0, forbidden(p)
}

// Export writes a hub's people, postings or matches as a spreadsheet to
// w, within p's permissions: an operator their hub, an admin any or all;
// a person's contacts only where p may see them (saperi.Can); for matches
// across hubs, the other side's contacts once the match is connected.
// Dates are written as Italians do (31/12/2026). It returns the number of
// rows written.
func Export(ctx context.Context, st ExportStore, p saperi.Principal, opt ExportOptions, w io.Writer) (int, error) {
	hubID, err := ExportHub(p, opt.HubID)
	if err != nil {
		return 0, err
	}
	if hubID != 0 {
		if _, err := st.Hub(ctx, hubID); err != nil {
			return 0, err
		}
	}
	if opt.Format != sheet.CSV && opt.Format != sheet.XLSX {
		return 0, enum("format", "csv, xlsx")
	}
	if opt.Location == nil {
		opt.Location = rome()
	}
	hubs, err := hubNames(ctx, st)
	if err != nil {
		return 0, err
	}
	e := &exporter{st: st, p: p, opt: opt, hubs: hubs, hubID: hubID}
	switch opt.What {
	case ExportPeople:
		return e.run(ctx, w, peopleColumns, e.people)
	case ExportPostings:
		return e.run(ctx, w, postingColumns, e.postings)
	case ExportMatches:
		return e.run(ctx, w, matchColumns, e.matches)
	}
	return 0, enum("what", "people, postings, matches")
}

type exporter struct {
	st    ExportStore
	p     saperi.Principal
	opt   ExportOptions
	hubs  map[uint64]string
	hubID uint64
}

func hubNames(ctx context.Context, st ExportStore) (map[uint64]string, error) {
	hs, err := st.Hubs(ctx)
	if err != nil {
		return nil, err
	}
	out := map[uint64]string{}
	for _, h := range hs {
		out[h.ID] = h.Name
	}
	return out, nil
}

func (e *exporter) run(ctx context.Context, w io.Writer, header []string, rows func(ctx context.Context, emit func([]string) error) error) (int, error) {
	sw, err := sheet.NewWriter(w, e.opt.Format, header)
	if err != nil {
		return 0, err
	}
	n := 0
	err = rows(ctx, func(r []string) error {
		n++
		return sw.Write(r)
	})
	if err != nil {
		return n, err
	}
	return n, sw.Close()
}

func (e *exporter) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(e.opt.Location).Format("02/01/2006")
}

func (e *exporter) people(ctx context.Context, emit func([]string) error) error {
	var after uint64
	for {
		ps, err := e.st.Profiles(ctx, e.hubID, after, 500)
		if err != nil {
			return err
		}
		for _, p := range ps {
			after = p.ID
			var phone, email string
			if saperi.Can(e.p, saperi.SeeContacts, saperi.ProfileResource(p)) {
				phone, email = p.Contacts.Phone, p.Contacts.Email
			}
			if err := emit([]string{strconv.FormatUint(p.ID, 10), p.Name, profileKindWord(p.Kind), phone, email, p.Area,
				strings.Join(p.Languages, ", "), p.Story, e.date(p.Created), e.hubs[p.HubID]}); err != nil {
				return err
			}
		}
		if len(ps) < 500 {
			return nil
		}
	}
}

func (e *exporter) postings(ctx context.Context, emit func([]string) error) error {
	var after uint64
	for {
		ps, err := e.st.ListPostings(ctx, saperi.PostingFilter{HubID: e.hubID, After: after, Limit: 500})
		if err != nil {
			return err
		}
		for _, p := range ps {
			after = p.ID
			urgent := "no"
			if p.Urgent {
				urgent = "sì"
			}
			km := strings.Replace(strconv.FormatFloat(p.MaxDistanceKm, 'f', -1, 64), ".", ",", 1)
			if err := emit([]string{strconv.FormatUint(p.ID, 10), strconv.FormatUint(p.ProfileID, 10), kindWord(p.Kind),
				p.Title, p.Description, p.Category, strings.Join(p.Tags, ", "), formatSlots(p.Slots), modeWords[p.Mode], km,
				strconv.Itoa(p.Capacity), statusWords[p.StatusAt(e.opt.Now)], urgent, p.Area, e.date(p.Expires),
				e.date(p.Created), e.hubs[p.HubID]}); err != nil {
				return err
			}
		}
		if len(ps) < 500 {
			return nil
		}
	}
}

// matches writes the matches with a side in the hub (every match for an
// admin's export of all hubs).
func (e *exporter) matches(ctx context.Context, emit func([]string) error) error {
	people := map[uint64]*saperi.Profile{}
	person := func(id uint64) *saperi.Profile {
		if p, ok := people[id]; ok {
			return p
		}
		p, err := e.st.Profile(ctx, id)
		if err != nil {
			p = &saperi.Profile{ID: id} // erased
		}
		people[id] = p
		return p
	}
	return e.st.ScanMatches(ctx, 500, func(ms []*saperi.Match) error {
		ids := make([]uint64, 0, 2*len(ms))
		for _, m := range ms {
			ids = append(ids, m.NeedID, m.OfferID)
		}
		ps, err := e.st.Postings(ctx, ids)
		if err != nil {
			return err
		}
		byID := map[uint64]*saperi.Posting{}
		for _, p := range ps {
			if p != nil {
				byID[p.ID] = p
			}
		}
		for _, m := range ms {
			need, offer := byID[m.NeedID], byID[m.OfferID]
			if need == nil || offer == nil {
				continue
			}
			if e.hubID != 0 && need.HubID != e.hubID && offer.HubID != e.hubID {
				continue
			}
			res := saperi.Resource{Kind: saperi.ResMatch, NeedProfileID: m.NeedProfileID, OfferProfileID: m.OfferProfileID,
				NeedHubID: need.HubID, OfferHubID: offer.HubID, Connected: m.Disclosed()}
			if !saperi.Can(e.p, saperi.View, res) {
				continue
			}
			side := func(s saperi.Side, p *saperi.Profile) (string, string) {
				r := res
				r.Side = s
				if !saperi.Can(e.p, saperi.SeeContacts, r) {
					return "", ""
				}
				return p.Contacts.Phone, p.Contacts.Email
			}
			np, op := person(m.NeedProfileID), person(m.OfferProfileID)
			nPhone, nEmail := side(saperi.NeedSide, np)
			oPhone, oEmail := side(saperi.OfferSide, op)
			score := strings.Replace(strconv.FormatFloat(m.Score, 'f', 2, 64), ".", ",", 1)
			if err := emit([]string{strconv.FormatUint(m.ID, 10), string(m.State), score, m.ProposedBy, e.date(m.Created), e.date(m.Updated),
				strconv.FormatUint(need.ID, 10), need.Title, strconv.FormatUint(np.ID, 10), np.Name, nPhone, nEmail,
				strconv.FormatUint(offer.ID, 10), offer.Title, strconv.FormatUint(op.ID, 10), op.Name, oPhone, oEmail}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ExportName is the file name of an export: saperi-persone-hub2-2026-11-23.csv.
func ExportName(what, format string, hubID uint64, now time.Time) string {
	word := map[string]string{ExportPeople: "persone", ExportPostings: "annunci", ExportMatches: "abbinamenti"}[what]
	hub := "tutte"
	if hubID != 0 {
		hub = fmt.Sprintf("hub%d", hubID)
	}
	return fmt.Sprintf("saperi-%s-%s-%s.%s", word, hub, now.Format("2006-01-02"), format)
}

// enum is the error for a parameter outside its allowed values.
func enum(name, allowed string) error {
	return &saperi.Error{Code: saperi.EINVALID, Key: "error.param.enum", Field: name,
		Args: map[string]any{"Name": name, "Allowed": allowed}, Message: fmt.Sprintf("%s must be one of %s", name, allowed)}
}
