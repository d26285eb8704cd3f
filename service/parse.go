package service

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/saperi/saperi"
)

// The parsers of cell values. Each returns ok=false for a value it cannot
// read; the caller reports it with the column and the value.

var dayWords = []struct {
	day   int
	words []string
}{
	{1, []string{"lun", "lunedi", "mon", "monday"}},
	{2, []string{"mar", "martedi", "tue", "tues", "tuesday"}},
	{3, []string{"mer", "mercoledi", "wed", "wednesday"}},
	{4, []string{"gio", "giovedi", "thu", "thur", "thurs", "thursday"}},
	{5, []string{"ven", "venerdi", "fri", "friday"}},
	{6, []string{"sab", "sabato", "sat", "saturday"}},
	{7, []string{"dom", "domenica", "sun", "sunday"}},
}

// dayOf reads one day name (Italian or English, full or short).
func dayOf(w string) int {
	for _, d := range dayWords {
		for _, x := range d.words {
			if w == x {
				return d.day
			}
		}
	}
	return 0
}

// fillers are words a list of days may contain besides the days.
var fillers = map[string]bool{"e": true, "and": true, "il": true, "la": true, "i": true, "le": true, "di": true,
	"ogni": true, "giorni": true, "giorno": true, "every": true, "day": true, "days": true, "da": true, "a": true,
	"al": true, "from": true, "to": true, "on": true, "only": true, "solo": true}

var dayToken = regexp.MustCompile(`[a-z]+|[-–]`)

// parseDays reads "lun, mer e ven", "lunedì-venerdì", "tutti i giorni",
// "feriali", "weekend", "mon tue". The days are returned in order, once.
func parseDays(s string) ([]int, bool) {
	toks := dayToken.FindAllString(plain(s), -1)
	set := map[int]bool{}
	for i := 0; i < len(toks); i++ {
		w := toks[i]
		switch {
		case w == "tutti" || w == "sempre" || w == "all" || w == "everyday" || w == "daily":
			for d := 1; d <= 7; d++ {
				set[d] = true
			}
		case w == "feriali" || w == "weekdays" || w == "settimana" && i > 0 && toks[i-1] == "in":
			for d := 1; d <= 5; d++ {
				set[d] = true
			}
		case w == "weekend" || w == "festivi" || w == "fine" && i+1 < len(toks) && toks[i+1] == "settimana":
			set[6], set[7] = true, true
			if w == "fine" {
				i++
			}
		case w == "-" || w == "–":
			if i == 0 || i+1 >= len(toks) {
				return nil, false
			}
			from, to := dayOf(toks[i-1]), dayOf(toks[i+1])
			if from == 0 || to == 0 || to < from {
				return nil, false
			}
			for d := from; d <= to; d++ {
				set[d] = true
			}
		case dayOf(w) != 0:
			set[dayOf(w)] = true
		case fillers[w] || w == "in":
		default:
			return nil, false
		}
	}
	var out []int
	for d := 1; d <= 7; d++ {
		if set[d] {
			out = append(out, d)
		}
	}
	return out, len(out) > 0
}

// Parts of the day, for registers that write "mattina" rather than hours.
var dayParts = map[string][2]int{
	"mattina": {9 * 60, 12 * 60}, "mattino": {9 * 60, 12 * 60}, "morning": {9 * 60, 12 * 60},
	"pranzo": {12 * 60, 14 * 60}, "lunch": {12 * 60, 14 * 60},
	"pomeriggio": {14 * 60, 18 * 60}, "afternoon": {14 * 60, 18 * 60},
	"sera": {18 * 60, 21 * 60}, "serata": {18 * 60, 21 * 60}, "evening": {18 * 60, 21 * 60},
}

var timeRange = regexp.MustCompile(`^(\d{1,2})(?:[:.](\d{2}))?\s*(?:-|–|a|alle|to)\s*(\d{1,2})(?:[:.](\d{2}))?$`)

// parseHours reads "9-12", "09:00-12:30", "9.30–12", "mattina",
// "pomeriggio", several separated by commas or "e".
func parseHours(s string) ([][2]int, bool) {
	var out [][2]int
	parts := strings.FieldsFunc(plain(s), func(r rune) bool { return r == ',' || r == ';' || r == '/' })
	for _, part := range parts {
		for _, p := range strings.Split(part, " e ") {
			p = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p), "dalle "))
			p = strings.TrimPrefix(p, "ore ")
			if p == "" {
				continue
			}
			if r, ok := dayParts[p]; ok {
				out = append(out, r)
				continue
			}
			m := timeRange.FindStringSubmatch(p)
			if m == nil {
				return nil, false
			}
			from, ok1 := clock(m[1], m[2])
			to, ok2 := clock(m[3], m[4])
			if !ok1 || !ok2 || to <= from {
				return nil, false
			}
			out = append(out, [2]int{from, to})
		}
	}
	return out, len(out) > 0
}

func clock(h, m string) (int, bool) {
	hh, err := strconv.Atoi(h)
	if err != nil {
		return 0, false
	}
	mm := 0
	if m != "" {
		if mm, err = strconv.Atoi(m); err != nil {
			return 0, false
		}
	}
	v := hh*60 + mm
	return v, hh <= 24 && mm < 60 && v <= 24*60
}

// slotsOf combines days and hours into weekly slots: every day at every
// hour range; days without hours are the whole day from 9 to 18.
func slotsOf(days []int, hours [][2]int) []saperi.Slot {
	if len(days) == 0 {
		return nil
	}
	if len(hours) == 0 {
		hours = [][2]int{{9 * 60, 18 * 60}}
	}
	var out []saperi.Slot
	for _, d := range days {
		for _, h := range hours {
			out = append(out, saperi.Slot{Day: d, From: h[0], To: h[1]})
		}
	}
	return out
}

var firstDigit = regexp.MustCompile(`\d`)

// parseAvailability reads the form export writes: "lun 09:00-12:00; mer
// 14:00-16:00", each part days then hours.
func parseAvailability(s string) ([]saperi.Slot, bool) {
	var out []saperi.Slot
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := len(part)
		if loc := firstDigit.FindStringIndex(part); loc != nil {
			i = loc[0]
		}
		days, ok := parseDays(part[:i])
		if !ok {
			return nil, false
		}
		var hours [][2]int
		if strings.TrimSpace(part[i:]) != "" {
			if hours, ok = parseHours(part[i:]); !ok {
				return nil, false
			}
		}
		out = append(out, slotsOf(days, hours)...)
	}
	return out, len(out) > 0
}

// formatSlots writes slots as parseAvailability reads them, in Italian.
func formatSlots(slots []saperi.Slot) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		parts[i] = fmt.Sprintf("%s %02d:%02d-%02d:%02d", dayWords[s.Day-1].words[0], s.From/60, s.From%60, s.To/60, s.To%60)
	}
	return strings.Join(parts, "; ")
}

// parseKind reads offre/cerca in Italian or English.
func parseKind(s string) (saperi.Kind, bool) {
	switch plain(s) {
	case "offre", "offro", "offerta", "offerto", "offer", "offers", "o", "do", "dono":
		return saperi.Offer, true
	case "cerca", "cerco", "richiesta", "bisogno", "chiede", "need", "needs", "request", "c":
		return saperi.Need, true
	}
	return "", false
}

func kindWord(k saperi.Kind) string {
	if k == saperi.Offer {
		return "offre"
	}
	return "cerca"
}

func parseProfileKind(s string) (saperi.ProfileKind, bool) {
	switch plain(s) {
	case "persona", "residente", "privato", "abitante", "resident", "person", "individual":
		return saperi.Resident, true
	case "organizzazione", "associazione", "ente", "cooperativa", "scuola", "biblioteca", "organisation", "organization", "association":
		return saperi.Organisation, true
	}
	return "", false
}

func profileKindWord(k saperi.ProfileKind) string {
	if k == saperi.Organisation {
		return "organizzazione"
	}
	return "persona"
}

func parseMode(s string) (saperi.Mode, bool) {
	switch plain(s) {
	case "di persona", "in presenza", "presenza", "in persona", "in_person", "in person":
		return saperi.InPerson, true
	case "a distanza", "distanza", "online", "remoto", "remote", "da remoto":
		return saperi.Remote, true
	case "entrambi", "entrambe", "indifferente", "either", "both", "di persona o a distanza":
		return saperi.Either, true
	}
	return "", false
}

var modeWords = map[saperi.Mode]string{saperi.InPerson: "di persona", saperi.Remote: "a distanza", saperi.Either: "entrambi"}

func parseStatus(s string) (saperi.Status, bool) {
	switch plain(s) {
	case "aperto", "aperta", "attivo", "attiva", "open":
		return saperi.Open, true
	case "in pausa", "pausa", "sospeso", "sospesa", "paused":
		return saperi.Paused, true
	case "abbinato", "abbinata", "matched":
		return saperi.Matched, true
	case "chiuso", "chiusa", "closed":
		return saperi.Closed, true
	case "scaduto", "scaduta", "expired":
		return saperi.Expired, true
	}
	return "", false
}

var statusWords = map[saperi.Status]string{saperi.Open: "aperto", saperi.Paused: "in pausa", saperi.Matched: "abbinato",
	saperi.Closed: "chiuso", saperi.Expired: "scaduto"}

func parseBool(s string) (bool, bool) {
	switch plain(s) {
	case "si", "sì", "yes", "x", "1", "vero", "true", "urgente":
		return true, true
	case "no", "0", "falso", "false", "":
		return false, true
	}
	return false, false
}

// dateLayouts are the ways Italians (and spreadsheets) write a date.
var dateLayouts = []string{"02/01/2006", "2/1/2006", "02/01/06", "2/1/06", "2006-01-02", "02-01-2006", "2-1-2006",
	"02.01.2006", "2.1.2006", "02/01/2006 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00"}

// parseDate reads a date in loc (the hub's time zone).
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseNumber reads "3", "2,5", "2.5".
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	return f, err == nil
}

// languageNames maps language names (Italian, English) to codes.
var languageNames = map[string]string{
	"italiano": "it", "italian": "it", "inglese": "en", "english": "en", "francese": "fr", "french": "fr",
	"arabo": "ar", "arabic": "ar", "rumeno": "ro", "romeno": "ro", "romanian": "ro", "spagnolo": "es", "spanish": "es",
	"ucraino": "uk", "ukrainian": "uk", "russo": "ru", "russian": "ru", "cinese": "zh", "chinese": "zh",
	"albanese": "sq", "albanian": "sq", "portoghese": "pt", "portuguese": "pt", "wolof": "wo", "tedesco": "de",
	"german": "de", "polacco": "pl", "polish": "pl", "bengalese": "bn", "bengali": "bn", "urdu": "ur", "hindi": "hi",
	"punjabi": "pa", "tigrino": "ti", "tigrinya": "ti", "amarico": "am", "amharic": "am", "somalo": "so", "somali": "so",
	"persiano": "fa", "farsi": "fa", "persian": "fa", "turco": "tr", "turkish": "tr", "filippino": "tl", "tagalog": "tl",
	"peruviano": "es", "quechua": "qu", "serbo": "sr", "croato": "hr", "bulgaro": "bg", "moldavo": "ro", "georgiano": "ka",
}

// parseLanguages reads "italiano, arabo", "it fr", "Italiano e Francese".
func parseLanguages(s string) ([]string, bool) {
	var out []string
	for _, w := range strings.FieldsFunc(plain(s), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' }) {
		if w == "e" || w == "and" {
			continue
		}
		code, ok := languageNames[w]
		if !ok {
			if len(w) == 2 && w[0] >= 'a' && w[0] <= 'z' && w[1] >= 'a' && w[1] <= 'z' {
				code = w
			} else {
				return nil, false
			}
		}
		if !contains(out, code) {
			out = append(out, code)
		}
	}
	return out, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// categoryOf finds a category by id or by its Italian or English name,
// or the start of it ("Scuola" for "Scuola e ripetizioni").
func categoryOf(cats []saperi.Category, s string) (string, bool) {
	v := plain(s)
	for _, c := range cats {
		if v == c.ID || v == plain(c.Name) || v == plain(c.En) {
			return c.ID, true
		}
	}
	for _, c := range cats {
		if len(v) >= 4 && (strings.HasPrefix(plain(c.Name), v) || strings.HasPrefix(plain(c.En), v)) {
			return c.ID, true
		}
	}
	return "", false
}

// splitList splits tags written "a, b; c".
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' })
}
