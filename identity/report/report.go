// Package report writes the identity model report that `starter resolve --report` produces: one
// self-contained HTML page (no script, nothing fetched) with the threshold and how it was
// chosen, the model's estimated precision and recall per threshold, the m/u probabilities and
// match weight of every comparison level, the match-weight histogram of the compared pairs and
// the EM sessions. Everything on it comes from an identity.Result; nothing needs labels.
package report

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/identity"
)

// Input is what the page describes.
type Input struct {
	Title   string   // what was resolved, e.g. the input files
	Inputs  []string // input files, shown as given when they differ from the title
	Result  identity.Result
	Created time.Time
}

// thresholds are the rows of the threshold table, besides the run's own.
var thresholds = []float64{0.5, 0.8, 0.9, 0.95, 0.99, 0.999}

// Write renders the report.
func Write(w io.Writer, in Input) error {
	res := in.Result
	st := res.Stats
	v := view{Input: in, Stats: st, Model: res.Model}
	if len(res.Scores.Bins) > 0 {
		v.HasCurve = true
		v.Expected = res.Scores.ExpectedMatches
		v.At = res.Scores.At(st.Threshold)
		seen := map[float64]bool{}
		for _, t := range append([]float64{st.Threshold}, thresholds...) {
			if !seen[t] {
				seen[t] = true
				v.Table = append(v.Table, row{CurvePoint: res.Scores.At(t), Run: t == st.Threshold})
			}
		}
		slices.SortFunc(v.Table, func(a, b row) int { return cmp.Compare(a.Threshold, b.Threshold) })
		v.Histogram = histogramSVG(res.Scores, st.Threshold)
		v.Curve = curveSVG(res.Scores.Curve(), st.Threshold)
	}
	for _, f := range res.Model.Fields {
		fv := field{FieldModel: f}
		for l, lv := range f.Levels {
			if l == 0 {
				continue // null: weight 0 by construction
			}
			fv.Levels = append(fv.Levels, level{LevelModel: lv, Bar: weightBar(lv.Weight)})
		}
		v.Fields = append(v.Fields, fv)
	}
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("identity report: %w", err)
	}
	return nil
}

type view struct {
	Input
	Stats     identity.Stats
	Model     identity.Model
	HasCurve  bool
	Expected  float64
	At        identity.CurvePoint
	Table     []row
	Fields    []field
	Histogram template.HTML
	Curve     template.HTML
}

type row struct {
	identity.CurvePoint
	Run bool
}

type field struct {
	identity.FieldModel
	Levels []level
}

type level struct {
	identity.LevelModel
	Bar template.HTML
}

// weightBar draws a weight as a bar from the middle: right (blue) for evidence of a match,
// left (orange) against, on a ±20 bit scale.
func weightBar(w float64) template.HTML {
	const half, scale = 100.0, 20.0
	x := math.Max(-half, math.Min(half, w/scale*half))
	left, colour := half, "#0072B2"
	if x < 0 {
		left, colour = half+x, "#D55E00"
	}
	return template.HTML(fmt.Sprintf(`<svg width="200" height="14" role="img" aria-label="%+.2f bits"><line x1="100" x2="100" y1="0" y2="14" stroke="#999"/>`+
		`<rect x="%.1f" y="2" width="%.1f" height="10" fill="%s"/></svg>`, w, left, math.Max(math.Abs(x), 0.5), colour))
}

// histogramSVG draws pairs per match-weight bin (log scale), split into the model's expected
// matches and non-matches, with the threshold marked.
func histogramSVG(h identity.ScoreHistogram, threshold float64) template.HTML {
	const w, ht, left, bottom, top = 760.0, 260.0, 56.0, 40.0, 12.0
	lo, hi := h.Bins[0].Weight, h.Bins[len(h.Bins)-1].Weight+h.BinWidth
	lo, hi = math.Floor(lo/5)*5, math.Ceil(hi/5)*5
	var maxPairs int64
	for _, b := range h.Bins {
		maxPairs = max(maxPairs, b.Pairs)
	}
	logMax := math.Log10(float64(maxPairs) + 1)
	pw, ph := w-left-10, ht-top-bottom
	x := func(wt float64) float64 { return left + (wt-lo)/(hi-lo)*pw }
	y := func(n float64) float64 {
		if logMax == 0 {
			return top + ph
		}
		return top + ph*(1-math.Log10(n+1)/logMax)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img"><title>compared pairs per match weight (log scale)</title>`, w, ht, w, ht)
	for d := 0.0; d <= logMax+1e-9; d++ {
		fmt.Fprintf(&sb, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" class="grid"/><text x="%.0f" y="%.1f" text-anchor="end" class="axis">%s</text>`,
			left, w-10, y(math.Pow(10, d)-1), y(math.Pow(10, d)-1), left-4, y(math.Pow(10, d)-1)+4, formatCount(math.Pow(10, d)))
	}
	for t := lo; t <= hi; t += 5 {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" text-anchor="middle" class="axis">%.0f</text>`, x(t), ht-bottom+16, t)
	}
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" text-anchor="middle" class="axis">match weight (bits): prior + the field weights</text>`, left+pw/2, ht-6)
	fmt.Fprintf(&sb, `<text x="12" y="%.0f" class="axis" transform="rotate(-90 12 %.0f)" text-anchor="middle">pairs (log scale)</text>`, top+ph/2, top+ph/2)
	bw := math.Max(pw*h.BinWidth/(hi-lo)-0.5, 0.8)
	for _, b := range h.Bins {
		total := float64(b.Pairs)
		matches := math.Min(b.Matches, total)
		// The bar's height is the bin's pairs; the blue part is the share the model expects to match.
		yt := y(total)
		split := yt + (top+ph-yt)*(1-matches/total)
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#E69F00"><title>%.2f to %.2f bits: %d pairs, %.1f expected matches</title></rect>`,
			x(b.Weight), yt, bw, split-yt, b.Weight, b.Weight+h.BinWidth, b.Pairs, b.Matches)
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0072B2"/>`, x(b.Weight), split, bw, top+ph-split)
	}
	tw := math.Log2(threshold / (1 - threshold))
	fmt.Fprintf(&sb, `<line x1="%.1f" x2="%.1f" y1="%.0f" y2="%.0f" stroke="#000" stroke-dasharray="4 3"/><text x="%.1f" y="%.0f" class="lbl">threshold %.3g (%.1f bits)</text>`,
		x(tw), x(tw), top, top+ph, x(tw)+4, top+10, threshold, tw)
	fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="10" height="10" fill="#0072B2"/><text x="%.0f" y="%.0f" class="lbl">expected matches</text>`, left+8, top+4, left+22, top+13)
	fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="10" height="10" fill="#E69F00"/><text x="%.0f" y="%.0f" class="lbl">expected non-matches</text>`, left+8, top+20, left+22, top+29)
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// curveSVG draws the estimated precision and recall against the threshold's match weight.
func curveSVG(curve []identity.CurvePoint, threshold float64) template.HTML {
	const w, ht, left, bottom, top = 760.0, 260.0, 56.0, 40.0, 12.0
	lo, hi := -10.0, 20.0
	pw, ph := w-left-150, ht-top-bottom
	// The y axis starts at the lowest shown value, in tenths, so that the curves are readable.
	floor := 1.0
	for _, p := range curve {
		if p.Weight >= lo && p.Weight <= hi {
			floor = math.Min(floor, math.Min(p.Precision, p.Recall))
		}
	}
	floor = math.Min(math.Floor(floor*10)/10, 0.9)
	x := func(wt float64) float64 { return left + (math.Max(lo, math.Min(hi, wt))-lo)/(hi-lo)*pw }
	y := func(v float64) float64 { return top + ph*(1-(v-floor)/(1-floor)) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img"><title>estimated precision and recall per threshold</title>`, w, ht, w, ht)
	for k := 0; k <= 4; k++ {
		v := floor + (1-floor)*float64(k)/4
		fmt.Fprintf(&sb, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" class="grid"/><text x="%.0f" y="%.1f" text-anchor="end" class="axis">%.3g</text>`,
			left, left+pw, y(v), y(v), left-4, y(v)+4, v)
	}
	for t := lo; t <= hi; t += 5 {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" text-anchor="middle" class="axis">%.0f (p %.3g)</text>`, x(t), ht-bottom+16, t, 1/(1+math.Exp2(-t)))
	}
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" text-anchor="middle" class="axis">threshold: match weight in bits (match probability)</text>`, left+pw/2, ht-6)
	for i, s := range []struct {
		name, colour string
		get          func(identity.CurvePoint) float64
	}{
		{"precision", "#0072B2", func(p identity.CurvePoint) float64 { return p.Precision }},
		{"recall", "#009E73", func(p identity.CurvePoint) float64 { return p.Recall }},
		{"F1", "#CC79A7", func(p identity.CurvePoint) float64 { return p.F1 }},
	} {
		var pts []string
		for _, p := range curve {
			if p.Weight >= lo && p.Weight <= hi {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.Weight), y(s.get(p))))
			}
		}
		fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"><title>estimated %s</title></polyline>`, s.colour, strings.Join(pts, " "), s.name)
		fmt.Fprintf(&sb, `<rect x="%.0f" y="%d" width="10" height="10" fill="%s"/><text x="%.0f" y="%d" class="lbl">estimated %s</text>`,
			left+pw+12, int(top)+i*18, s.colour, left+pw+26, int(top)+i*18+9, s.name)
	}
	tw := math.Log2(threshold / (1 - threshold))
	fmt.Fprintf(&sb, `<line x1="%.1f" x2="%.1f" y1="%.0f" y2="%.0f" stroke="#000" stroke-dasharray="4 3"/><text x="%.1f" y="%.0f" class="lbl">threshold</text>`,
		x(tw), x(tw), top, top+ph, x(tw)+4, top+ph-6)
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func formatCount(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.0fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.0fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"f4":   func(v float64) string { return fmt.Sprintf("%.4f", v) },
	"bits": func(v float64) string { return fmt.Sprintf("%+.2f", v) },
	"prob": func(v float64) string { return fmt.Sprintf("%.3g", v) },
	"sci":  func(v float64) string { return fmt.Sprintf("%.3g", v) },
	"pct":  func(v float64) string { return fmt.Sprintf("%.2f %%", v*100) },
	"num":  func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"when": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"join": func(s []string) string { return strings.Join(s, " + ") },
	"weightOf": func(p float64) float64 {
		if p <= 0 || p >= 1 {
			return 0
		}
		return math.Log2(p / (1 - p))
	},
}).Parse(pageHTML))
