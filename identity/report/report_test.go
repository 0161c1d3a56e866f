// report_test.go renders the report of a real resolution and checks that its figures are the
// result's, that it loads nothing from elsewhere, and that a run without a curve still renders.
package report

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// people returns n people written twice: the second record has a typo in the last name,
// and one in ten has the names swapped.
func people(n int) []record.Customer {
	f := gofakeit.New(42)
	var out []record.Customer
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		a := record.Customer{Source: "crm", SourceID: fmt.Sprint(i), UpdatedAt: at,
			FirstName: strings.ToLower(f.FirstName()), LastName: strings.ToLower(f.LastName()),
			BirthDate: f.DateRange(time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)).Format(time.DateOnly)}
		a.Address.Line1, a.Address.City, a.Address.Postcode = strings.ToLower(f.Street()), strings.ToLower(f.City()), f.Zip()
		b := a
		b.Source = "pos"
		if l := []byte(b.LastName); len(l) > 3 {
			l[2] = 'q'
			b.LastName = string(l)
		}
		if i%10 == 0 {
			b.FirstName, b.LastName = b.LastName, b.FirstName
		}
		out = append(out, a, b)
	}
	return out
}

func TestWrite(t *testing.T) {
	res, err := identity.Resolve(context.Background(), identity.DefaultConfig(), people(1500), identity.State{})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Input{Title: "crm.csv + pos.csv", Inputs: []string{"crm.csv", "pos.csv"}, Result: res, Created: time.Now()}))
	page := buf.String()
	t.Logf("threshold %.3f, estimated precision %.4f recall %.4f", res.Stats.Threshold, res.Stats.EstimatedPrecision, res.Stats.EstimatedRecall)

	st := res.Stats
	assert.True(t, st.ThresholdChosen)
	assert.Contains(t, page, fmt.Sprintf(`<dd id="threshold">%.3g (`, st.Threshold), "the threshold")
	assert.Contains(t, page, "chosen from the model")
	at := res.Scores.At(st.Threshold)
	assert.Contains(t, page, fmt.Sprintf("precision %.4f, recall %.4f", at.Precision, at.Recall), "the estimate at the threshold")
	assert.Contains(t, page, fmt.Sprintf("%d → %d", st.Records, st.Profiles))
	for _, f := range res.Model.Fields {
		assert.Contains(t, page, "<h3>"+f.Path+" ", "a table per comparison")
		for _, lv := range f.Levels[1:] {
			row := fmt.Sprintf("<td>%s</td><td class=\"n\">%.3g</td><td class=\"n\">%.3g</td><td class=\"n\">%s</td>", escaped(lv.Label), lv.M, lv.U, escaped(fmt.Sprintf("%+.2f", lv.Weight)))
			assert.True(t, strings.Contains(page, row), "%s: the level row %s", f.Path, row)
		}
	}
	assert.Contains(t, page, "<h3>name_order ", "the swapped-name comparison is shown")
	assert.Contains(t, page, "compared pairs per match weight")
	assert.Contains(t, page, "estimated precision and recall per threshold")
	_, table, ok := strings.Cut(page, `<table id="thresholds">`)
	require.True(t, ok)
	table, _, _ = strings.Cut(table, "</table>")
	rows := 1 + len(thresholds) // the header and the fixed thresholds
	if !slices.Contains(thresholds, st.Threshold) {
		rows++ // the run's own
	}
	assert.Equal(t, rows, strings.Count(table, "<tr"), "a header, the run's threshold and the fixed ones")
	assert.Equal(t, 1, strings.Count(table, `<tr class="run">`))
	for _, bad := range []string{"<script", "http://", "https://", "src=\"//"} {
		assert.NotContains(t, page, bad, "the page is self-contained")
	}

	t.Run("a configured threshold and no curve", func(t *testing.T) {
		r := res
		r.Scores = identity.ScoreHistogram{}
		r.Stats.ThresholdChosen, r.Stats.Threshold = false, 0.95
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, Input{Title: "x", Result: r, Created: time.Now()}))
		assert.Contains(t, buf.String(), "as configured (identity.threshold)")
		assert.NotContains(t, buf.String(), "compared pairs per match weight")
		assert.Contains(t, buf.String(), "Comparison levels")
	})
}

// escaped escapes like html/template does for the labels used here.
func escaped(s string) string { return strings.NewReplacer(">", "&gt;", "+", "&#43;").Replace(s) }
