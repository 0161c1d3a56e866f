// charts.go draws the console's charts as inline SVG on the server: horizontal bars, lines over
// runs, and heat classes for grids. Every chart has a title, labelled axes or values, and a unit;
// colours come from one palette so a segment keeps its colour across charts.
package console

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// palette is the console's series colours (colour-blind friendly, Okabe–Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

// bar is one labelled value.
type bar struct {
	Label string
	Value float64
	Note  string // shown after the value, e.g. "12 %"
}

// barsSVG draws horizontal bars with their values; unit follows each value ("customers").
func barsSVG(title, unit string, bars []bar) template.HTML {
	if len(bars) == 0 {
		return template.HTML(`<p class="empty">No data yet for ` + template.HTMLEscapeString(title) + `.</p>`)
	}
	const rowH, labelW, barW, valueW = 22, 160, 250, 190
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, b.Value)
	}
	h := rowH*len(bars) + 8
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d"><title>%s (%s)</title>`,
		labelW+barW+valueW, h, labelW+barW+valueW, h, esc(title), esc(unit))
	for i, b := range bars {
		y := i*rowH + 4
		w := 0.0
		if maxV > 0 {
			w = b.Value / maxV * barW
		}
		val := formatNum(b.Value) + " " + unit
		if b.Note != "" {
			val += " · " + b.Note
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-6, y+15, esc(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`,
			labelW, y+2, math.Max(w, 1), rowH-6, palette[0], esc(b.Label), esc(val))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="val" data-label="%s" data-value="%s">%s</text>`,
			float64(labelW)+math.Max(w, 1)+6, y+15, esc(b.Label), formatRaw(b.Value), esc(val))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// series is one line of a line chart.
type series struct {
	Name   string
	Values []float64
}

// linesSVG draws lines over x labels (runs, oldest first) with a y axis in unit and a legend.
func linesSVG(title, unit string, xs []string, lines []series) template.HTML {
	if len(xs) < 2 || len(lines) == 0 {
		return template.HTML(`<p class="empty">` + esc(title) + ` needs at least two completed runs with segments.</p>`)
	}
	const w, h, left, right, top, bottom = 620, 240, 60, 170, 16, 40
	maxV := 1.0
	for _, l := range lines {
		for _, v := range l.Values {
			maxV = math.Max(maxV, v)
		}
	}
	maxV = niceCeil(maxV)
	pw, ph := float64(w-left-right), float64(h-top-bottom)
	x := func(i int) float64 { return float64(left) + pw*float64(i)/float64(len(xs)-1) }
	y := func(v float64) float64 { return float64(top) + ph*(1-v/maxV) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d"><title>%s (%s)</title>`, w, h, w, h, esc(title), esc(unit))
	for k := 0; k <= 4; k++ {
		v := maxV * float64(k) / 4
		fmt.Fprintf(&sb, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" text-anchor="end" class="axis">%s</text>`,
			left, w-right, y(v), y(v), left-6, y(v)+4, formatNum(v))
	}
	fmt.Fprintf(&sb, `<text x="12" y="%d" class="axis" transform="rotate(-90 12 %d)" text-anchor="middle">%s</text>`, top+int(ph/2), top+int(ph/2), esc(unit))
	fmt.Fprintf(&sb, `<text x="%d" y="%d" class="axis">%s</text><text x="%d" y="%d" text-anchor="end" class="axis">%s</text>`,
		left, h-bottom+18, esc(xs[0]), w-right, h-bottom+18, esc(xs[len(xs)-1]))
	fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" class="axis">run (oldest → newest)</text>`, left+int(pw/2), h-6)
	for i, l := range lines {
		c := palette[i%len(palette)]
		var pts []string
		for j, v := range l.Values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(j), y(v)))
		}
		fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"><title>%s</title></polyline>`, c, strings.Join(pts, " "), esc(l.Name))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" class="lbl">%s (%s)</text>`,
			w-right+10, top+i*18, c, w-right+24, top+i*18+9, esc(l.Name), formatNum(l.Values[len(l.Values)-1]))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// heatClass maps v of max to one of ten CSS classes (heat0 … heat9) for grid cells.
func heatClass(v, max float64) string {
	if max <= 0 || v <= 0 {
		return "heat0"
	}
	return fmt.Sprintf("heat%d", 1+int(math.Min(8, v/max*8.999)))
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// formatNum renders a number with thousands separators and at most two decimals.
func formatNum(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return "∞"
	}
	neg := v < 0
	v = math.Abs(v)
	whole := int64(v)
	frac := v - float64(whole)
	s := fmt.Sprintf("%d", whole)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if r := math.Round(frac * 100); r > 0 && r < 100 {
		out += fmt.Sprintf(".%02d", int(r))
		out = strings.TrimRight(out, "0")
	}
	if neg {
		out = "-" + out
	}
	return out
}

// formatRaw is a value as tests and scripts read it back (data-value).
func formatRaw(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", v), "0"), ".")
}
