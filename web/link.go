package web

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/service"
)

// standaloneFS holds the pages that stand without the UI's layout: the
// answer to a link in a mail and the hub's printable noticeboard.
//
//go:embed templates/standalone/*.html
var standaloneFS embed.FS

var standalonePages = template.Must(template.New("").Funcs(template.FuncMap{
	"t": func(*locale.Localizer, string, ...any) string { return "" },
}).ParseFS(standaloneFS, "templates/standalone/*.html"))

// page renders a template with the reader's localizer as .L.
func (s *Server) page(c *gin.Context, status int, name string, data map[string]any) {
	l := loc(c)
	if l == nil {
		l = s.catalog.For()
	}
	data["L"] = l
	data["Lang"] = l.Lang()
	data["Dir"] = l.Dir()
	t, err := standalonePages.Clone()
	if err != nil {
		s.fail(c, err)
		return
	}
	t.Funcs(template.FuncMap{"t": func(l *locale.Localizer, key string, kv ...any) string {
		args := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			args[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return l.T(key, args, "")
	}})
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer") // the token is in the URL
	c.Status(status)
	if err := t.ExecuteTemplate(c.Writer, name, data); err != nil {
		s.log.ErrorContext(c.Request.Context(), "render page", "page", name, "err", err)
	}
}

// linkError shows a failed link as a page: people follow links from
// mails in a browser, not an API client.
func (s *Server) linkError(c *gin.Context, err error) {
	code := saperi.ErrorCode(err)
	l := loc(c)
	msg := l.T("error.internal", map[string]any{"RequestID": c.GetString(requestIDKey)}, "internal error")
	if e := saperi.AsError(err); e != nil && code != saperi.EINTERNAL {
		msg = l.T(e.Key, e.Args, e.Message)
	} else {
		s.log.ErrorContext(c.Request.Context(), "link failed", "err", err, "request_id", c.GetString(requestIDKey))
	}
	s.page(c, status(code), "link.html", map[string]any{"Title": l.T("link.error.title", nil, ""), "Message": msg})
}

// verifyLink checks the token of the request.
func (s *Server) verifyLink(c *gin.Context) (saperi.Link, error) {
	if len(s.LinkSecret) == 0 {
		return saperi.Link{}, saperi.Errorf(saperi.EINVALID, "error.link.invalid", "links are not enabled")
	}
	return saperi.VerifyLink(s.LinkSecret, c.Param("token"), s.Now().UTC())
}

// linkSubject splits "match/5/need" or "posting/7" into its id and side.
func linkSubject(subject, kind string) (uint64, saperi.Side, error) {
	parts := strings.Split(subject, "/")
	bad := saperi.Errorf(saperi.EINVALID, "error.link.invalid", "this link is not valid")
	if len(parts) < 2 || parts[0] != kind {
		return 0, "", bad
	}
	id, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil {
		return 0, "", bad
	}
	var side saperi.Side
	if len(parts) == 3 {
		side = saperi.Side(parts[2])
	}
	return id, side, nil
}

// linkReader localizes a link's page for the person the mail went to: a
// reader who chose no language here (no ?lang=, no cookie) reads it in
// the language of the mail, the one of the profile the link is about
// (its chosen one, then those spoken), else their browser's.
func (s *Server) linkReader(c *gin.Context, l saperi.Link) *locale.Localizer {
	if ck, _ := c.Cookie(langCookie); c.Query("lang") != "" || ck != "" {
		return loc(c)
	}
	ctx := c.Request.Context()
	var pid uint64
	switch l.Purpose {
	case saperi.LinkAccept, saperi.LinkDecline:
		id, side, err := linkSubject(l.Subject, "match")
		if err != nil {
			return loc(c)
		}
		m, err := s.Store.Match(ctx, id)
		if err != nil {
			return loc(c)
		}
		pid = m.NeedProfileID
		if side == saperi.OfferSide {
			pid = m.OfferProfileID
		}
	case saperi.LinkRenew:
		id, _, err := linkSubject(l.Subject, "posting")
		if err != nil {
			return loc(c)
		}
		p, err := s.Store.Posting(ctx, id)
		if err != nil {
			return loc(c)
		}
		pid = p.ProfileID
	default:
		return loc(c)
	}
	p, err := s.Store.Profile(ctx, pid)
	if err != nil {
		return loc(c)
	}
	prefs := append(append([]string{p.Lang}, p.Languages...), c.GetHeader("Accept-Language"))
	lc := s.catalog.For(prefs...)
	c.Set(localizerKey, lc) // the page's lang and dir follow
	return lc
}

// linkPage shows what a link will do, with one button that does it. The
// change itself is a POST: mail scanners and link previews fetch GET
// links, and must not accept a proposal or unsubscribe anybody.
func (s *Server) linkPage(c *gin.Context) {
	l, err := s.verifyLink(c)
	if err != nil {
		s.linkError(c, err)
		return
	}
	lc := s.linkReader(c, l)
	data := map[string]any{"Action": c.Request.URL.Path, "Button": lc.T("link."+l.Purpose+".button", nil, "")}
	ctx := c.Request.Context()
	switch l.Purpose {
	case saperi.LinkAccept, saperi.LinkDecline:
		id, side, err := linkSubject(l.Subject, "match")
		if err != nil {
			s.linkError(c, err)
			return
		}
		m, err := s.Store.Match(ctx, id)
		if err != nil {
			s.linkError(c, err)
			return
		}
		other := m.OfferID
		if side == saperi.OfferSide {
			other = m.NeedID
		}
		p, err := s.Store.Posting(ctx, other)
		if err != nil {
			s.linkError(c, err)
			return
		}
		data["Title"] = lc.T("link."+l.Purpose+".title", nil, "")
		data["Message"] = lc.T("link."+l.Purpose+".question", map[string]any{"Title": p.Title}, "")
	case saperi.LinkRenew:
		id, _, err := linkSubject(l.Subject, "posting")
		if err != nil {
			s.linkError(c, err)
			return
		}
		p, err := s.Store.Posting(ctx, id)
		if err != nil {
			s.linkError(c, err)
			return
		}
		data["Title"] = lc.T("link.renew.title", nil, "")
		data["Message"] = lc.T("link.renew.question", map[string]any{"Title": p.Title}, "")
	case saperi.LinkUnsubscribe:
		data["Title"] = lc.T("link.unsubscribe.title", nil, "")
		data["Message"] = lc.T("link.unsubscribe.question", map[string]any{"Email": l.Subject}, "")
	default:
		s.linkError(c, saperi.Errorf(saperi.EINVALID, "error.link.invalid", "unknown purpose"))
		return
	}
	s.page(c, http.StatusOK, "link.html", data)
}

// linkAction does what a link is for, records it in the audit trail with
// the actor "link", and shows a confirmation. It also answers RFC 8058
// one-click unsubscribe POSTs from mail clients.
func (s *Server) linkAction(c *gin.Context) {
	l, err := s.verifyLink(c)
	if err != nil {
		s.linkError(c, err)
		return
	}
	ctx := c.Request.Context()
	lc := s.linkReader(c, l)
	switch l.Purpose {
	case saperi.LinkAccept, saperi.LinkDecline:
		id, side, err := linkSubject(l.Subject, "match")
		if err != nil {
			s.linkError(c, err)
			return
		}
		action := saperi.Accept
		if l.Purpose == saperi.LinkDecline {
			action = saperi.Decline
		}
		m, err := s.svc.AnswerByLink(ctx, id, side, action, l.Purpose)
		if err != nil {
			s.linkError(c, err)
			return
		}
		msg := lc.T("link."+l.Purpose+".done", nil, "")
		if service.BecameConnected(m) {
			msg = lc.T("link.accept.connected", nil, "")
		}
		s.page(c, http.StatusOK, "link.html", map[string]any{"Title": lc.T("link.done.title", nil, ""), "Message": msg})
	case saperi.LinkRenew:
		id, _, err := linkSubject(l.Subject, "posting")
		if err != nil {
			s.linkError(c, err)
			return
		}
		p, err := s.svc.RenewByLink(ctx, id)
		if err != nil {
			s.linkError(c, err)
			return
		}
		s.page(c, http.StatusOK, "link.html", map[string]any{"Title": lc.T("link.done.title", nil, ""),
			"Message": lc.T("link.renew.done", map[string]any{"Title": p.Title, "Date": p.Expires.Format("02/01/2006")}, "")})
	case saperi.LinkUnsubscribe:
		ev := saperi.Event{At: s.Now().UTC(), Actor: "link", Action: "link." + l.Purpose}
		if err := s.Store.Unsubscribe(ctx, l.Subject, ev); err != nil {
			s.linkError(c, err)
			return
		}
		s.page(c, http.StatusOK, "link.html", map[string]any{"Title": lc.T("link.done.title", nil, ""),
			"Message": lc.T("link.unsubscribe.done", map[string]any{"Email": l.Subject}, "")})
	default:
		s.linkError(c, saperi.Errorf(saperi.EINVALID, "error.link.invalid", "unknown purpose"))
	}
}

// noticeboard is the hub's printable A4 page of open offers and needs,
// for its operators to pin up at the portineria: titles, categories,
// areas and reference numbers, never names or contacts, and a description
// only where an operator marked the posting for display.
func (s *Server) noticeboard(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	b, err := s.svc.Noticeboard(c.Request.Context(), id)
	if err != nil {
		s.pageFail(c, err) // 401 goes to the login, then back here
		return
	}
	cats, _ := s.categories(c)
	l := loc(c)
	catName := func(id string) string { return categoryName(l, cats, id) }
	now := s.Now()
	s.page(c, http.StatusOK, "noticeboard.html", map[string]any{"Hub": b.Hub, "Offers": b.Offers, "Needs": b.Needs,
		"Date": longDate(l, now), "Week": weekRange(l, now), "Cat": catName})
}
