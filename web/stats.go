package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/atlas"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/sheet"
)

// statsFilter reads hub, from, to and category from the query.
func statsFilter(c *gin.Context) (service.StatsFilter, error) {
	f := service.StatsFilter{From: c.Query("from"), To: c.Query("to"), Category: c.Query("category")}
	if h := c.Query("hub"); h != "" {
		n, err := strconv.ParseUint(h, 10, 64)
		if err != nil {
			return f, saperi.Invalid("hub", "error.param.id", "hub must be a positive number")
		}
		f.HubID = n
	}
	return f, nil
}

// computeStats counts f for the caller, the gap at the engine's
// proposal threshold.
func (s *Server) computeStats(c *gin.Context, f service.StatsFilter) (*service.Stats, error) {
	return service.ComputeStats(c.Request.Context(), s.Store, principal(c), f, s.svc.Threshold())
}

// getStats is GET /api/v1/stats: the figures of where needs go
// unanswered, for an operator's hub or (admins) any hub or all.
func (s *Server) getStats(c *gin.Context) {
	f, err := statsFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.computeStats(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// getOpenData is GET /api/v1/opendata: the aggregates with the
// suppression rule applied, as JSON or CSV (CC BY 4.0).
func (s *Server) getOpenData(c *gin.Context) {
	f, err := statsFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.computeStats(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := service.Open(st)
	switch c.DefaultQuery("format", "json") {
	case "json":
		c.JSON(http.StatusOK, d)
	case "csv":
		var b strings.Builder
		if err := d.WriteCSV(&b); err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="saperi-open-data-%s.csv"`, s.Now().Format("2006-01-02")))
		c.Data(http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
	default:
		s.fail(c, &saperi.Error{Code: saperi.EINVALID, Key: "error.param.enum", Field: "format",
			Args: map[string]any{"Allowed": "json, csv"}, Message: "format must be json or csv"})
	}
}

// statsView is what the statistics page and the report show.
type statsView struct {
	Stats      *service.Stats
	Hub        *saperi.Hub
	Hubs       []*saperi.Hub
	Categories []saperi.Category
	// Query holds the filters for links (CSV, open data), already
	// encoded by url.Values.
	Query     template.URL
	Map       template.HTML
	Heat      template.HTML
	Months    template.HTML
	Outcomes  template.HTML
	Outcome   []outcomeRow
	Rule      string
	Attrib    string
	MinPeople int
	// Report only.
	Period, PeriodLabel string
	TopGapCats          []service.CellStats
	TopGapAreas         []service.CellStats
	GapPercent          int
}

type outcomeRow struct {
	Name  string
	Count int
}

// statsData computes the figures of the request's filters and draws the
// charts.
func (s *Server) statsData(c *gin.Context, f service.StatsFilter) (*statsView, error) {
	ctx := c.Request.Context()
	st, err := s.computeStats(c, f)
	if err != nil {
		return nil, err
	}
	l := loc(c)
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	catName := func(id string) string {
		if cat, ok := saperi.CategoryByID(cats, id); ok {
			if l.Lang() == "it" {
				return cat.Name
			}
			return cat.En
		}
		if id == "" {
			return "—"
		}
		return id
	}
	v := &statsView{Stats: st, Categories: cats, Rule: service.SuppressionRule, Attrib: atlas.Attribution, MinPeople: service.MinPeople}
	if st.Filter.HubID != 0 {
		if v.Hub, err = s.Store.Hub(ctx, st.Filter.HubID); err != nil {
			return nil, err
		}
	}
	if principal(c).Role == saperi.RoleAdmin {
		if v.Hubs, err = s.Store.Hubs(ctx); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	for k, val := range map[string]string{"from": f.From, "to": f.To, "category": f.Category} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if st.Filter.HubID != 0 {
		q.Set("hub", strconv.FormatUint(st.Filter.HubID, 10))
	}
	v.Query = template.URL(q.Encode())
	v.Map = gapMap(st.ByArea, l.T("ui.stats.map_label", nil, ""), l.T("ui.stats.no_data", nil, ""))
	v.Heat = heatMap(st.ByCategoryArea, catName, l.T("ui.stats.heat_label", nil, ""), l.T("ui.stats.other_areas", nil, ""))
	v.Months = monthChart(l.T("ui.stats.months_label", nil, ""), st.Times.ByMonth,
		[3]string{l.T("ui.stats.first_proposal", nil, ""), l.T("ui.stats.connection", nil, ""), l.T("ui.stats.completion", nil, "")})
	m := st.Matches
	for _, o := range []struct {
		key string
		n   int
	}{{"completed", m.Completed}, {"connected", m.Connected}, {"open", m.Open}, {"declined", m.Declined}, {"withdrawn", m.Withdrawn}, {"expired", m.Expired}} {
		v.Outcome = append(v.Outcome, outcomeRow{Name: l.T("ui.stats.outcome."+o.key, nil, o.key), Count: o.n})
	}
	names, vals := make([]string, len(v.Outcome)), make([]float64, len(v.Outcome))
	for i, o := range v.Outcome {
		names[i], vals[i] = o.Name, float64(o.Count)
	}
	v.Outcomes = bars(l.T("ui.stats.outcomes_label", nil, ""), names, vals, "")
	return v, nil
}

// statsPage shows the statistics with filters, charts and tables.
func (s *Server) statsPage(c *gin.Context) {
	f, err := statsFilter(c)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	v, err := s.statsData(c, f)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	form := url.Values{"from": {f.From}, "to": {f.To}, "category": {f.Category}}
	if v.Hub != nil {
		form.Set("hub", strconv.FormatUint(v.Hub.ID, 10))
	}
	s.render(c, http.StatusOK, "stats", "ui.stats.title", view{Data: v, Form: form})
}

// statsCSV is the download of one table of the statistics page:
// ?table=cells (category × area), areas, categories or months.
func (s *Server) statsCSV(c *gin.Context) {
	f, err := statsFilter(c)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	st, err := s.computeStats(c, f)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	var b strings.Builder
	table := c.DefaultQuery("table", "cells")
	var w sheet.Writer
	cellRows := func(cells []service.CellStats) {
		w, err = sheet.NewWriter(&b, sheet.CSV, []string{"categoria", "quartiere", "richieste", "offerte", "senza_risposta", "persone"})
		for _, x := range cells {
			if err == nil {
				err = w.Write([]string{x.Category, x.Area, strconv.Itoa(x.Needs), strconv.Itoa(x.Offers), strconv.Itoa(x.Gap), strconv.Itoa(x.People)})
			}
		}
	}
	switch table {
	case "cells":
		cellRows(st.ByCategoryArea)
	case "areas":
		cellRows(st.ByArea)
	case "categories":
		cellRows(st.ByCategory)
	case "months":
		w, err = sheet.NewWriter(&b, sheet.CSV, []string{"mese", "richieste", "prima_proposta_mediana_giorni", "prima_proposta_p90_giorni",
			"contatto_mediana_giorni", "contatto_p90_giorni", "conclusione_mediana_giorni", "conclusione_p90_giorni"})
		for _, m := range st.Times.ByMonth {
			if err == nil {
				err = w.Write([]string{m.Month, strconv.Itoa(m.Needs), days(m.FirstProposal.Median), days(m.FirstProposal.P90),
					days(m.Connection.Median), days(m.Connection.P90), days(m.Completion.Median), days(m.Completion.P90)})
			}
		}
	default:
		s.pageFail(c, &saperi.Error{Code: saperi.EINVALID, Key: "error.param.enum", Field: "table",
			Args: map[string]any{"Allowed": "cells, areas, categories, months"}, Message: "unknown table"})
		return
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="saperi-statistiche-%s-%s.csv"`, table, s.Now().Format("2006-01-02")))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
}

func days(v float64) string { return strings.Replace(trimFloat(v), ".", ",", 1) }

// reportPeriod turns ?period=month|quarter|year and ?at=YYYY-MM (or
// YYYY) into the report's dates; the default is the last whole month.
func reportPeriod(period, at string, now time.Time) (from, to time.Time, err error) {
	ref := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	if at != "" {
		layout := "2006-01"
		if len(at) == 4 {
			layout = "2006"
		}
		if ref, err = time.Parse(layout, at); err != nil {
			return from, to, saperi.Invalid("at", "error.param.date", "at must be written YYYY-MM or YYYY")
		}
	}
	switch period {
	case "", "month":
		from = time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 1, -1)
	case "quarter":
		q := (int(ref.Month()) - 1) / 3
		from = time.Date(ref.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 3, -1)
	case "year":
		from = time.Date(ref.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(1, 0, -1)
	default:
		return from, to, &saperi.Error{Code: saperi.EINVALID, Key: "error.param.enum", Field: "period",
			Args: map[string]any{"Allowed": "month, quarter, year"}, Message: "period must be month, quarter or year"}
	}
	return from, to, nil
}

// reportPage is the printable periodic report of a hub or the network:
// the figures in plain sentences and charts, no personal data, on A4
// from the browser's print.
func (s *Server) reportPage(c *gin.Context) {
	f, err := statsFilter(c)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	from, to, err := reportPeriod(c.Query("period"), c.Query("at"), s.Now())
	if err != nil {
		s.pageFail(c, err)
		return
	}
	f.From, f.To, f.Category = from.Format("2006-01-02"), to.Format("2006-01-02"), ""
	v, err := s.statsData(c, f)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	l := loc(c)
	v.Period = c.DefaultQuery("period", "month")
	v.PeriodLabel = l.T("ui.report.period", map[string]any{"From": from.Format("02/01/2006"), "To": to.Format("02/01/2006")}, "")
	st := v.Stats
	if st.Needs > 0 {
		v.GapPercent = st.Gap * 100 / st.Needs
	}
	// The report names categories and areas only where they count at
	// least MinPeople people, as the open data does.
	for _, x := range st.ByCategory {
		if x.Gap > 0 && x.People >= service.MinPeople && len(v.TopGapCats) < 3 {
			v.TopGapCats = append(v.TopGapCats, x)
		}
	}
	for _, x := range st.ByArea {
		if x.Gap > 0 && x.People >= service.MinPeople && len(v.TopGapAreas) < 3 {
			v.TopGapAreas = append(v.TopGapAreas, x)
		}
	}
	s.render(c, http.StatusOK, "report", "ui.report.title", view{Data: v})
}

// statsRoutes registers the statistics, the report and the open data.
func (s *Server) statsRoutes() {
	api := s.engine.Group("/api/v1", s.requireLogin)
	api.GET("/stats", s.getStats)
	api.GET("/opendata", s.getOpenData)
	ui := s.engine.Group("", s.signedIn)
	ui.GET("/stats", s.statsPage)
	ui.GET("/stats.csv", s.statsCSV)
	ui.GET("/report", s.reportPage)
}
