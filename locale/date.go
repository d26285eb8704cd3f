package locale

import (
	"strconv"
	"time"
)

// Dates as people read them. Months are in the catalogs (ui.month.1 …
// ui.month.12) and a week is named by its dates (ui.week.range), never as
// "2026-W48".

// DayMonth is "30 novembre" (Italian) or "30 November" in lang, via tr.
func DayMonth(tr func(key string, args map[string]any) string, t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + tr("ui.month."+strconv.Itoa(int(t.Month())), nil)
}

// WeekRange names the week from Monday mon to the Sunday after by its
// dates: "dal 30 novembre al 6 dicembre 2026".
func WeekRange(tr func(key string, args map[string]any) string, mon time.Time) string {
	sun := mon.AddDate(0, 0, 6)
	return tr("ui.week.range", map[string]any{"From": DayMonth(tr, mon),
		"To": DayMonth(tr, sun) + " " + strconv.Itoa(sun.Year())})
}
