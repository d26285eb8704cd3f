package saperi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Slot is a weekly availability window: a day of the week and a time range
// within it, in minutes after midnight (local time of the hub).
//
// JSON form: {"day":"tue","from":"09:00","to":"12:30"}.
type Slot struct {
	Day  int // ISO weekday: 1 = Monday … 7 = Sunday
	From int // minutes after midnight, inclusive
	To   int // minutes after midnight, exclusive; To > From
}

var dayNames = [...]string{"", "mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// DayName returns the three-letter English code of an ISO weekday.
func DayName(day int) string {
	if day < 1 || day > 7 {
		return ""
	}
	return dayNames[day]
}

// Validate checks the day and that the range is non-empty within one day.
func (s Slot) Validate() error {
	if s.Day < 1 || s.Day > 7 {
		return Invalid("slots", "error.slot.day", "a slot's day must be one of mon, tue, wed, thu, fri, sat, sun")
	}
	if s.From < 0 || s.To > 24*60 || s.To <= s.From {
		return Invalid("slots", "error.slot.range", "a slot must end after it starts, within the same day (e.g. 09:00–12:00)")
	}
	return nil
}

// Minutes returns the length of the slot.
func (s Slot) Minutes() int { return s.To - s.From }

type slotJSON struct {
	Day  string `json:"day"`
	From string `json:"from"`
	To   string `json:"to"`
}

// MarshalJSON writes the day code and HH:MM times.
func (s Slot) MarshalJSON() ([]byte, error) {
	return json.Marshal(slotJSON{Day: DayName(s.Day), From: clock(s.From), To: clock(s.To)})
}

// UnmarshalJSON reads the form written by MarshalJSON; bad values become
// EINVALID errors naming the slots field.
func (s *Slot) UnmarshalJSON(b []byte) error {
	var v slotJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return Invalid("slots", "error.slot.format", `a slot looks like {"day":"tue","from":"09:00","to":"12:00"}`)
	}
	day := 0
	for i, n := range dayNames {
		if i > 0 && strings.EqualFold(n, v.Day) {
			day = i
		}
	}
	if day == 0 {
		return Invalid("slots", "error.slot.day", "a slot's day must be one of mon, tue, wed, thu, fri, sat, sun")
	}
	from, err1 := parseClock(v.From)
	to, err2 := parseClock(v.To)
	if err1 != nil || err2 != nil {
		return Invalid("slots", "error.slot.time", "slot times are written HH:MM, from 00:00 to 24:00")
	}
	parsed := Slot{Day: day, From: from, To: to}
	if err := parsed.Validate(); err != nil {
		return err // e.g. "to" not after "from"
	}
	*s = parsed
	return nil
}

func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// parseClock reads exactly HH:MM with two ASCII digits on each side (no
// signs or spaces, which fmt.Sscanf would accept), from 00:00 to 24:00.
func parseClock(v string) (int, error) {
	if len(v) != 5 || v[2] != ':' || !isDigit(v[0]) || !isDigit(v[1]) || !isDigit(v[3]) || !isDigit(v[4]) {
		return 0, fmt.Errorf("bad time %q", v)
	}
	h := int(v[0]-'0')*10 + int(v[1]-'0')
	m := int(v[3]-'0')*10 + int(v[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time %q", v)
	}
	return h*60 + m, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// OverlapMinutes returns how many minutes per week two sets of slots share.
// Slots that overlap within one set are merged first, so a minute is never
// counted twice.
func OverlapMinutes(a, b []Slot) int {
	total := 0
	mb := mergeSlots(b)
	for _, x := range mergeSlots(a) {
		for _, y := range mb {
			if x.Day != y.Day {
				continue
			}
			lo, hi := max(x.From, y.From), min(x.To, y.To)
			if hi > lo {
				total += hi - lo
			}
		}
	}
	return total
}

// mergeSlots returns the valid slots of list sorted by day and start, with
// overlapping or touching slots of the same day joined into one.
func mergeSlots(list []Slot) []Slot {
	out := make([]Slot, 0, len(list))
	for _, s := range list {
		if s.Validate() == nil {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(x, y Slot) int {
		if x.Day != y.Day {
			return x.Day - y.Day
		}
		return x.From - y.From
	})
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && merged[n-1].Day == s.Day && s.From <= merged[n-1].To {
			merged[n-1].To = max(merged[n-1].To, s.To)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}
