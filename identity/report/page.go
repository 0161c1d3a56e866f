// page.go holds the report's HTML template and styles.
package report

const pageHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{.Title}} · identity model report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:16px 0 4px}.muted{color:#666}
table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left;vertical-align:middle}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.run td{font-weight:600;background:#f3f7fb}
dl.kv{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:6px 0}dl.kv dt{color:#555}dl.kv dd{margin:0}
svg.chart{max-width:100%;height:auto}.grid{stroke:#e5e5e5}.axis{font-size:11px;fill:#555}.lbl{font-size:11px;fill:#222}
p.note{max-width:820px}
</style></head><body>
<h1>Identity model report</h1>
<p class="muted">{{.Title}} · {{when .Created}}{{if ne (len .Inputs) 0}}{{if ne .Title (join .Inputs)}} · inputs: {{join .Inputs}}{{end}}{{end}}</p>

<h2>Threshold</h2>
<dl class="kv">
<dt>records → profiles</dt><dd id="profiles">{{.Stats.Records}} → {{.Stats.Profiles}}</dd>
<dt>pairs compared</dt><dd>{{.Stats.PairsCompared}} (blocking: {{range $i, $r := .Stats.BlockingRules}}{{if $i}}, {{end}}{{$r}}{{end}})</dd>
<dt>links</dt><dd>{{.Stats.PairsMatched}} probabilistic pairs over the threshold, {{.Stats.ExactLinks}} deterministic (shared identifier){{if .Stats.LinksRefused}}, {{.Stats.LinksRefused}} refused by merge protection{{end}}</dd>
<dt>match threshold</dt><dd id="threshold">{{prob .Stats.Threshold}} ({{bits (weightOf .Stats.Threshold)}} bits){{if .Stats.ThresholdChosen}}, chosen from the model: the best estimated F1 with an estimated precision of at least the target, between 0.8 and 0.99{{else}}, as configured (identity.threshold){{end}}</dd>
{{if .HasCurve}}<dt>estimated at the threshold</dt><dd id="estimate">precision {{f4 .At.Precision}}, recall {{f4 .At.Recall}}, F1 {{f4 .At.F1}}</dd>
<dt>expected matches</dt><dd>{{num .Expected}} among all pairs of records (prior λ = {{sci .Model.Lambda}})</dd>{{end}}
</dl>
<p class="note muted">These figures are the model's own estimates, without labels: each compared pair's match probability is
the model's belief that it is a match, so summing them over the pairs above a threshold estimates the true matches there,
and λ estimates all matches, including those blocking never compared. They hold as far as the model's assumptions do (fields
independent given match status); check a sample of links near the threshold with <code>starter explain</code>.</p>

{{if .HasCurve}}
<h2>Estimated precision and recall</h2>
{{.Curve}}
<table id="thresholds"><tr><th class="n">threshold</th><th class="n">bits</th><th class="n">pairs at or above</th><th class="n">est. precision</th><th class="n">est. recall</th><th class="n">est. F1</th></tr>
{{range .Table}}<tr{{if .Run}} class="run"{{end}}><td class="n">{{prob .Threshold}}{{if .Run}} (this run){{end}}</td><td class="n">{{bits .Weight}}</td><td class="n">{{.Pairs}}</td><td class="n">{{f4 .Precision}}</td><td class="n">{{f4 .Recall}}</td><td class="n">{{f4 .F1}}</td></tr>
{{end}}</table>

<h2>Match weights of the compared pairs</h2>
{{.Histogram}}
{{end}}

<h2>Comparison levels: m, u and weight</h2>
<p class="note muted">m is the probability of the level among matching pairs, u among non-matching pairs; the weight is
log2(m/u) bits. m comes from expectation-maximisation over the candidate pairs, u from random pairs and value frequencies.
The null level (a side is empty) weighs 0.{{if .Model.Fields}} Exact matches of names, text and codes are further adjusted by how common the value is (term frequency).{{end}}</p>
{{range .Fields}}
<h3>{{.Path}} <span class="muted">({{.Kind}}{{if .Members}}: {{range $i, $m := .Members}}{{if $i}}, {{end}}{{$m}}{{end}}{{end}}{{if .TermFrequency}}; term frequency{{end}})</span></h3>
<table class="levels"><tr><th>level</th><th class="n">m</th><th class="n">u</th><th class="n">weight (bits)</th><th>against ← → for a match</th></tr>
{{range .Levels}}<tr><td>{{.Label}}</td><td class="n">{{sci .M}}</td><td class="n">{{sci .U}}</td><td class="n">{{bits .Weight}}</td><td>{{.Bar}}</td></tr>
{{end}}</table>
{{end}}

{{if .Model.Sessions}}
<h2>EM sessions</h2>
<table id="sessions"><tr><th>blocking rule</th><th class="n">pairs</th><th class="n">expected matches</th><th class="n">share matching</th><th class="n">rule recall</th><th class="n">iterations</th><th>used</th></tr>
{{range .Model.Sessions}}<tr><td>{{.Rule}}</td><td class="n">{{.Pairs}}</td><td class="n">{{num .Matches}}</td><td class="n">{{pct .Lambda}}</td><td class="n">{{if .Recall}}{{pct .Recall}}{{else}}–{{end}}</td><td class="n">{{.Iterations}}</td><td>{{if .Used}}yes{{else}}no{{end}}</td></tr>
{{end}}</table>
{{end}}
</body></html>
`
