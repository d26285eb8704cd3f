package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/saperi/saperi/atlas"
	"github.com/saperi/saperi/service"
)

// The statistics' charts: SVG drawn on the server, no script. Every chart
// has role="img" and a label, and its figures are in a table beside it.
// All text from data is escaped here.

// heat is a colour from pale yellow (0) to dark red (1).
func heat(v float64) string {
	v = math.Max(0, math.Min(1, v))
	// Interpolate #fff3c4 → #f08c3a → #9e1b1b.
	stops := [][3]float64{{255, 243, 196}, {240, 140, 58}, {158, 27, 27}}
	i := 0
	t := v * 2
	if t > 1 {
		i, t = 1, t-1
	}
	c := [3]float64{}
	for k := range c {
		c[k] = stops[i][k] + (stops[i+1][k]-stops[i][k])*t
	}
	return fmt.Sprintf("#%02x%02x%02x", int(c[0]), int(c[1]), int(c[2]))
}

func esc(s string) string { return html.EscapeString(s) }

// gapMap draws Torino's neighbourhoods coloured by the gap of each
// (areas outside the city are listed in the table only).
func gapMap(areas []service.CellStats, label, noData string) template.HTML {
	m := atlas.NewMap(560)
	gap := map[string]service.CellStats{}
	maxGap := 0
	for _, a := range areas {
		if h, ok := atlas.Find(a.Area); ok {
			gap[h.Name] = a
			maxGap = max(maxGap, a.Gap)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="map" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, m.Width, m.Height+30, esc(label))
	for _, c := range m.Cells {
		a, ok := gap[c.Name]
		fill := "#e8e8e8"
		title := c.Name + ": " + noData
		if ok {
			fill = heat(float64(a.Gap) / float64(max(1, maxGap)))
			title = fmt.Sprintf("%s: %d / %d", c.Name, a.Gap, a.Needs)
		}
		fmt.Fprintf(&b, `<path d="%s" fill="%s" stroke="#fff" stroke-width="1.5"><title>%s</title></path>`, c.Path, fill, esc(title))
	}
	fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#444" stroke-width="1.5"/>`, m.Outline)
	for _, c := range m.Cells {
		if a, ok := gap[c.Name]; ok {
			fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle" class="num">%d</text>`, c.X, c.Y+4, a.Gap)
		}
	}
	// Legend.
	for i := 0; i <= 4; i++ {
		fmt.Fprintf(&b, `<rect x="%d" y="%g" width="24" height="12" fill="%s"/>`, 10+i*26, m.Height+8, heat(float64(i)/4))
	}
	fmt.Fprintf(&b, `<text x="150" y="%g" class="small">0 – %d</text>`, m.Height+18, maxGap)
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end" class="small">%s</text>`, m.Width-4, m.Height+18, esc(atlas.Attribution))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// heatMap draws category × area cells coloured by gap; areas beyond the
// twelve with most needs are summed into one column.
func heatMap(cells []service.CellStats, catName func(string) string, label, others string) template.HTML {
	needsOf := map[string]int{}
	catSet := map[string]bool{}
	for _, c := range cells {
		needsOf[c.Area] += c.Needs + c.Offers
		catSet[c.Category] = true
	}
	var areas []string
	for a := range needsOf {
		areas = append(areas, a)
	}
	sortBy(areas, func(a, b string) bool { return needsOf[a] > needsOf[b] || needsOf[a] == needsOf[b] && a < b })
	const maxCols = 12
	col := map[string]int{}
	for i, a := range areas {
		col[a] = min(i, maxCols)
	}
	cols := min(len(areas), maxCols+1)
	var cats []string
	for c := range catSet {
		cats = append(cats, c)
	}
	sortBy(cats, func(a, b string) bool { return a < b })
	row := map[string]int{}
	for i, c := range cats {
		row[c] = i
	}
	grid := make([][]service.CellStats, len(cats))
	for i := range grid {
		grid[i] = make([]service.CellStats, cols)
	}
	maxGap := 0
	for _, c := range cells {
		g := &grid[row[c.Category]][col[c.Area]]
		g.Gap += c.Gap
		g.Needs += c.Needs
		g.Offers += c.Offers
		maxGap = max(maxGap, g.Gap)
	}
	const left, top, w, h = 190.0, 120.0, 40.0, 26.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="heat" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		left+float64(cols)*w+10, top+float64(len(cats))*h+10, esc(label))
	for i := 0; i < cols; i++ {
		name := others
		if i < maxCols && i < len(areas) {
			name = service.AreaName(areas[i])
		}
		x := left + float64(i)*w + w/2
		fmt.Fprintf(&b, `<text transform="translate(%g %g) rotate(-50)" class="small">%s</text>`, x, top-6, esc(name))
	}
	for r, c := range cats {
		y := top + float64(r)*h
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end" class="small">%s</text>`, left-6, y+h/2+4, esc(catName(c)))
		for i := 0; i < cols; i++ {
			g := grid[r][i]
			x := left + float64(i)*w
			fill := "#f4f4f4"
			if g.Needs+g.Offers > 0 {
				fill = heat(float64(g.Gap) / float64(max(1, maxGap)))
			}
			fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="%s" stroke="#fff"><title>%s: %d / %d</title></rect>`,
				x, y, w, h, fill, esc(catName(c)), g.Gap, g.Needs)
			if g.Gap > 0 {
				fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle" class="num">%d</text>`, x+w/2, y+h/2+4, g.Gap)
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// bars draws labelled horizontal bars.
func bars(label string, names []string, values []float64, unit string) template.HTML {
	const left, w, h = 200.0, 300.0, 22.0
	maxV := 0.0
	for _, v := range values {
		maxV = math.Max(maxV, v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		left+w+60, float64(len(values))*h+4, esc(label))
	for i, v := range values {
		y := float64(i) * h
		bw := 0.0
		if maxV > 0 {
			bw = v / maxV * w
		}
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end" class="small">%s</text>`, left-6, y+h/2+4, esc(names[i]))
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="#2f6f8f"/>`, left, y+3, bw, h-6)
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="small">%s%s</text>`, left+bw+4, y+h/2+4, trimFloat(v), esc(unit))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// monthChart draws, per month, the median days to first proposal, to
// connection and to completion as three bars.
func monthChart(label string, months []service.MonthTimes, series [3]string) template.HTML {
	const left, top, groupW, chartH = 40.0, 10.0, 90.0, 160.0
	maxV := 1.0
	for _, m := range months {
		maxV = math.Max(maxV, math.Max(m.FirstProposal.Median, math.Max(m.Connection.Median, m.Completion.Median)))
	}
	colours := [3]string{"#2f6f8f", "#e0a030", "#4a9a5a"}
	var b strings.Builder
	width := left + float64(max(1, len(months)))*groupW + 10
	fmt.Fprintf(&b, `<svg class="months" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		math.Max(width, 420), top+chartH+60, esc(label))
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#444"/>`, left, top+chartH, width, top+chartH)
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end" class="small">%s</text>`, left-4, top+8, trimFloat(maxV))
	for i, m := range months {
		x := left + float64(i)*groupW + 10
		for k, v := range []float64{m.FirstProposal.Median, m.Connection.Median, m.Completion.Median} {
			h := v / maxV * chartH
			fmt.Fprintf(&b, `<rect x="%g" y="%g" width="22" height="%g" fill="%s"><title>%s %s: %s</title></rect>`,
				x+float64(k)*24, top+chartH-h, h, colours[k], esc(m.Month), esc(series[k]), trimFloat(v))
		}
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="small">%s</text>`, x, top+chartH+16, esc(m.Month))
	}
	for k, s := range series {
		fmt.Fprintf(&b, `<rect x="%d" y="%g" width="12" height="12" fill="%s"/><text x="%d" y="%g" class="small">%s</text>`,
			10+k*150, top+chartH+30, colours[k], 26+k*150, top+chartH+40, esc(s))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}

func sortBy(s []string, less func(a, b string) bool) {
	sort.Slice(s, func(i, j int) bool { return less(s[i], s[j]) })
}
