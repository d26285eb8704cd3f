package web

import (
	"strconv"
	"time"

	"github.com/saperi/saperi/locale"
)

// Dates as people read them, in Europe/Rome: "23/11/2026" in tables,
// "30 novembre" in sentences. Months come from the catalogs (ui.month.N).

var rome = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Rome"); err == nil {
		return l
	}
	return time.UTC
}()

// fmtDate is a date for tables and lists.
func fmtDate(_ *locale.Localizer, t time.Time) string { return t.In(rome).Format("02/01/2006") }

// dayMonth is "30 novembre" (Italian) or "30 November".
func dayMonth(l *locale.Localizer, t time.Time) string { return locale.DayMonth(tr(l), t.In(rome)) }

// longDate is "30 novembre 2026".
func longDate(l *locale.Localizer, t time.Time) string {
	return dayMonth(l, t) + " " + strconv.Itoa(t.In(rome).Year())
}

// weekRange names the ISO week that contains t by its dates: "dal 30
// novembre al 6 dicembre 2026".
func weekRange(l *locale.Localizer, t time.Time) string {
	t = t.In(rome)
	wd := int(t.Weekday()+6) % 7 // Monday = 0
	return locale.WeekRange(tr(l), time.Date(t.Year(), t.Month(), t.Day()-wd, 12, 0, 0, 0, rome))
}

// tr is l as the function locale's date helpers take.
func tr(l *locale.Localizer) func(string, map[string]any) string {
	return func(key string, args map[string]any) string { return l.T(key, args, "") }
}
