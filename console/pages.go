// pages.go holds the console's HTML pages: each handler gathers its view (data.go) and renders
// one template inside the layout. Viewers see identifiers masked; operators see them in full.
package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/cdpflow/cdpflow/kpi"
	"github.com/cdpflow/cdpflow/summary"
)

// page is what every template receives.
type page struct {
	Title    string
	Nav      string
	User     Principal
	Operator bool
	Data     any
	Flash    string
	Error    string
}

type pageSet struct{ t map[string]*template.Template }

var pageNames = []string{"login", "dashboard", "runs", "run", "profiles", "profile", "campaigns", "campaign", "preview", "error"}

func parsePages() (*pageSet, error) {
	ps := &pageSet{t: map[string]*template.Template{}}
	for _, n := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+n+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		ps.t[n] = t
	}
	return ps, nil
}

var funcs = template.FuncMap{
	"num":   func(v any) string { return formatNum(toFloat(v)) },
	"pct":   func(v float64) string { return formatNum(v*100) + "\u00a0%" },
	"pct0":  func(v float64) string { return fmt.Sprintf("%.0f\u00a0%%", v*100) },
	"prob":  func(v float64) string { return fmt.Sprintf("%.3g", v) },
	"money": func(v float64, cur string) string { return formatNum(v) + " " + cur },
	"when":  func(t time.Time) string { return whenText(t) },
	"secs": func(v float64) string {
		return (time.Duration(v * float64(time.Second))).Round(100 * time.Millisecond).String()
	},
	"keys":    func(m any) []string { return keysOf(m) },
	"pii":     pii,
	"heat":    func(v, max any) string { return heatClass(toFloat(v), toFloat(max)) },
	"bars":    barsSVG,
	"lower":   strings.ToLower,
	"join":    strings.Join,
	"replace": strings.ReplaceAll,
	"add":     func(a, b int) int { return a + b },
	"sub":     func(a, b int) int { return a - b },
	"statusClass": func(s string) string {
		switch s {
		case summary.StatusCompleted, "approved", "delivered":
			return "ok"
		case summary.StatusFailed, "rejected", "timed_out", "in_doubt":
			return "bad"
		default:
			return "warn"
		}
	},
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func keysOf(m any) []string {
	switch x := m.(type) {
	case map[string]int:
		return slices.Sorted(maps.Keys(x))
	case map[string]float64:
		return slices.Sorted(maps.Keys(x))
	case map[string]summary.Source:
		return slices.Sorted(maps.Keys(x))
	case map[string]summary.Destination:
		return slices.Sorted(maps.Keys(x))
	case map[string]summary.Segment:
		return slices.Sorted(maps.Keys(x))
	case map[string]summary.Stage:
		return slices.Sorted(maps.Keys(x))
	case map[string]summary.Quality:
		return slices.Sorted(maps.Keys(x))
	case map[string][]string:
		return slices.Sorted(maps.Keys(x))
	}
	return nil
}

// pii shows an identifier to operators and a masked form to viewers ("j•••@example.com").
func pii(p page, s string) string {
	if p.Operator || s == "" {
		return s
	}
	if at := strings.IndexByte(s, '@'); at > 0 {
		return s[:1] + "•••" + s[at:]
	}
	if len(s) > 4 {
		return strings.Repeat("•", len(s)-2) + s[len(s)-2:]
	}
	return "•••"
}

func whenText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// render writes one page; a template failure is logged and answered 500 (never half a page).
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	p := page{Title: titles[name], Nav: name, Data: data}
	if m, ok := data.(map[string]any); ok {
		if e, ok := m["Error"].(string); ok {
			p.Error = e
		}
	}
	p.User = principal(r)
	p.Operator = p.User.Operator()
	if f := r.URL.Query().Get("flash"); f != "" && len(f) < 200 {
		p.Flash = f
	}
	var buf bytes.Buffer
	if err := s.pages.t[name].Execute(&buf, p); err != nil {
		s.log.Error("render page", "page", name, "error", err)
		http.Error(w, "the page could not be rendered; see the server log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

var titles = map[string]string{"login": "Sign in", "dashboard": "Customer base", "runs": "Runs", "run": "Run",
	"profiles": "Profiles", "profile": "Profile", "campaigns": "Campaigns", "campaign": "Campaign", "preview": "Campaign preview", "error": "Error"}

func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	st := statusOf(err)
	if st == http.StatusInternalServerError {
		s.log.Error("console page failed", "path", r.URL.Path, "error", err)
	}
	w.WriteHeader(st)
	s.render(w, r, "error", map[string]any{"Status": st, "Message": err.Error()})
}

// dashboardData is the dashboard's view with its charts drawn.
type dashboardData struct {
	D            DashboardView
	Main         *kpi.Currency
	BySource     template.HTML
	Overlap      template.HTML
	Buyers       template.HTML
	CLV          template.HTML
	Segments     template.HTML
	History      template.HTML
	RFMMax       int
	CohortMonths []int
	FillFields   []string
}

func (s *Server) pageDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.dashboard(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := dashboardData{D: d, FillFields: []string{"email", "phone", "first_name", "last_name", "birth_date", "address.line1", "address.postcode", "consent.email"}}
	if len(d.Currencies) > 0 {
		v.Main = &d.Currencies[0]
	}
	var bs []bar
	for _, k := range sortedKeys(d.BySource) {
		bs = append(bs, bar{Label: k, Value: float64(d.BySource[k]), Note: share(d.BySource[k], d.Customers)})
	}
	v.BySource = barsSVG("Customers by source", "profiles", bs)
	var ov []bar
	for _, k := range sortedKeys(d.Overlap) {
		ov = append(ov, bar{Label: strings.ReplaceAll(k, "+", " + "), Value: float64(d.Overlap[k])})
	}
	sort.SliceStable(ov, func(i, j int) bool { return ov[i].Value > ov[j].Value })
	v.Overlap = barsSVG("Profiles by the sources they combine", "profiles", ov)
	v.Buyers = barsSVG("Buyers", "profiles", []bar{
		{Label: "repeat buyers", Value: float64(d.Repeat), Note: share(d.Repeat, d.Customers)},
		{Label: "one-time buyers", Value: float64(d.OneTime), Note: share(d.OneTime, d.Customers)},
		{Label: "prospects (no order)", Value: float64(d.Prospects), Note: share(d.Prospects, d.Customers)}})
	var cb []bar
	for _, b := range d.CLV.Bins {
		label := formatNum(b.From) + "–" + formatNum(b.To)
		if b.To > 1e300 {
			label = "≥ " + formatNum(b.From)
		}
		cb = append(cb, bar{Label: label + " " + d.CLV.Currency, Value: float64(b.Count)})
	}
	v.CLV = barsSVG("Predicted 12-month CLV", "buyers", cb)
	var sg []bar
	for _, k := range sortedKeys(d.SegmentSizes) {
		if strings.HasPrefix(k, "cohort.") {
			continue // the cohort table shows them
		}
		sg = append(sg, bar{Label: k, Value: float64(d.SegmentSizes[k])})
	}
	v.Segments = barsSVG("Segment sizes now", "members", sg)
	v.History = segmentHistory(d.SegmentHistory)
	for _, row := range d.RFM {
		for _, n := range row {
			v.RFMMax = max(v.RFMMax, n)
		}
	}
	for _, c := range d.Cohorts {
		for len(v.CohortMonths) < len(c.Retention) {
			v.CohortMonths = append(v.CohortMonths, len(v.CohortMonths))
		}
	}
	s.render(w, r, "dashboard", v)
}

// segmentHistory draws the configured and largest segments over the last runs (at most 8 lines).
func segmentHistory(pts []SegmentPoint) template.HTML {
	if len(pts) == 0 {
		return linesSVG("Segment sizes over runs", "members", nil, nil)
	}
	last := pts[len(pts)-1].Members
	names := sortedKeys(last)
	sort.SliceStable(names, func(i, j int) bool { return last[names[i]] > last[names[j]] })
	names = names[:min(len(names), len(palette))]
	sort.Strings(names)
	var xs []string
	lines := make([]series, len(names))
	for i, n := range names {
		lines[i].Name = n
	}
	for _, p := range pts {
		xs = append(xs, p.At.UTC().Format("01-02 15:04"))
		for i, n := range names {
			lines[i].Values = append(lines[i].Values, float64(p.Members[n]))
		}
	}
	return linesSVG("Segment sizes over runs", "members", xs, lines)
}

func share(n, of int) string {
	if of == 0 {
		return ""
	}
	return formatNum(100*float64(n)/float64(of)) + " %"
}

func (s *Server) pageRuns(w http.ResponseWriter, r *http.Request) {
	runs, err := s.runs(r.Context(), 100)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, "runs", runs)
}

type runData struct {
	V      RunView
	Stages template.HTML
}

func (s *Server) pageRun(w http.ResponseWriter, r *http.Request) {
	v, err := s.run(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var bs []bar
	for _, st := range []string{"start", "preflight", "extract", "cleanse", "resolve", "segment", "push"} {
		if x, ok := v.Summary.Stages[st]; ok {
			b := bar{Label: st, Value: x.Seconds}
			if x.Changed != nil {
				b.Note = formatNum(float64(*x.Changed)) + " changed"
			}
			bs = append(bs, b)
		}
	}
	s.render(w, r, "run", runData{V: v, Stages: barsSVG("Stage wall times", "s", bs)})
}

func (s *Server) formDecide(w http.ResponseWriter, r *http.Request) {
	id, dest := chi.URLParam(r, "id"), chi.URLParam(r, "destination")
	approve := r.PostFormValue("decision") == "approve"
	if err := s.decide(r.Context(), id, dest, approve, principal(r).Name); err != nil {
		s.pageError(w, r, err)
		return
	}
	verb := "Rejected"
	if approve {
		verb = "Approved"
	}
	http.Redirect(w, r, "/runs/"+id+"?flash="+urlq(verb+" the removals of "+dest+"."), http.StatusSeeOther)
}

func (s *Server) pageProfiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	ps, err := s.findProfiles(r.Context(), q)
	if err != nil && !errors.Is(err, errBadRequest) {
		s.pageError(w, r, err)
		return
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	s.render(w, r, "profiles", map[string]any{"Q": q, "Profiles": ps, "Error": msg})
}

func (s *Server) pageProfile(w http.ResponseWriter, r *http.Request) {
	v, err := s.profile(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, "profile", v)
}

func (s *Server) pageCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := s.campaigns(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, "campaigns", cs)
}

func (s *Server) pageCampaign(w http.ResponseWriter, r *http.Request) {
	c, err := s.campaign(r.Context(), chi.URLParam(r, "name"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, "campaign", c)
}

func (s *Server) pagePreview(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	res, err := s.preview(r.Context(), name)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, "preview", res)
}

func (s *Server) formTrigger(w http.ResponseWriter, r *http.Request) {
	st, err := s.triggerCampaign(r.Context(), chi.URLParam(r, "name"), principal(r).Name)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	msg := "Started the campaign."
	if st.Joined {
		msg = "The campaign was already running: this is that run."
	}
	http.Redirect(w, r, "/runs/"+st.WorkflowID+"?flash="+urlq(msg), http.StatusSeeOther)
}

func urlq(s string) string { return template.URLQueryEscaper(s) }
