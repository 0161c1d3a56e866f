// This file tests the CSV source: messy files, mapping errors, paging, resume and incremental filtering.
package csvfile_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
)

func syncAll(t *testing.T, src connectors.Source, since time.Time) []connectors.Page {
	t.Helper()
	var pages []connectors.Page
	cur := ""
	for i := 0; i < 10000; i++ {
		page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: cur, Since: since})
		require.NoError(t, err, "page %d", i)
		pages = append(pages, page)
		if page.Done {
			return pages
		}
		require.NotEmpty(t, page.Next)
		cur = page.Next
	}
	t.Fatal("no last page")
	return nil
}

func customers(pages []connectors.Page) []record.Customer {
	var out []record.Customer
	for _, p := range pages {
		out = append(out, p.Customers...)
	}
	return out
}

func ids(cs []record.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.SourceID)
	}
	return out
}

func TestSource_Messy(t *testing.T) {
	src, err := csvfile.New(csvfile.Config{Name: "shop_csv", Path: "testdata/messy.csv", MappingPath: "testdata/mapping.yaml"})
	require.NoError(t, err)
	got := customers(syncAll(t, src, time.Time{}))
	require.Equal(t, []string{"C-001", "C-002", "C-003", "C-004", "C-005", "C-006"}, ids(got), "blank rows skipped, the rest in file order")

	consent := func(state record.ConsentState) map[record.Channel]record.Consent {
		return map[record.Channel]record.Consent{record.ChannelEmail: {State: state, Source: "shop_csv.newsletter"}}
	}
	want := []record.Customer{
		{Source: "shop_csv", SourceID: "C-001", FirstName: "Jane", LastName: "Doe", Email: "jane@example.com", Phone: "+1 (415) 555-0100",
			BirthDate: "1984-03-07", Address: record.Address{Postcode: "94103", Country: "US"}, Consent: consent(record.ConsentSubscribed),
			UpdatedAt: time.Date(2024, 1, 5, 10, 0, 0, 0, time.UTC), Attributes: map[string]string{"tier": "gold"}},
		{Source: "shop_csv", SourceID: "C-002", FirstName: "Smith, Jr.", LastName: "O'Brien", Email: "bob@example.com",
			BirthDate: "03/07/1984", Address: record.Address{Postcode: "SW1A 1AA", Country: "GB"}, Consent: consent(record.ConsentUnsubscribed),
			UpdatedAt: time.Date(2024, 2, 1, 8, 30, 0, 0, time.UTC)},
		{Source: "shop_csv", SourceID: "C-003", FirstName: "Zoë", LastName: "Müller", Email: "ZOE@EXAMPLE.ORG", Phone: "030 1234567",
			Address: record.Address{Postcode: "10115", Country: "DE"}, Consent: consent(record.ConsentNotSubscribed),
			UpdatedAt: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Attributes: map[string]string{"tier": "silver"}},
		{Source: "shop_csv", SourceID: "C-004", FirstName: "Multi\nLine", LastName: "Name", Email: "multi@example.com",
			Address: record.Address{Country: "US"}, UpdatedAt: time.Unix(1706745600, 0).UTC(), Attributes: map[string]string{"tier": "bronze"}},
		{Source: "shop_csv", SourceID: "C-005", FirstName: "Short", LastName: "Row", Email: "short@example.com"},
		{Source: "shop_csv", SourceID: "C-006", FirstName: "Last", LastName: "Row", Email: "last@example.com",
			Address: record.Address{Postcode: "2000", Country: "AU"}, Consent: consent(record.ConsentSubscribed),
			UpdatedAt: time.Date(2024, 6, 30, 23, 59, 0, 0, time.UTC), Attributes: map[string]string{"tier": "platinum, lifetime"}},
	}
	for i := range want {
		assert.Equal(t, want[i], got[i], want[i].SourceID)
	}
}

func TestSource_Delimiters(t *testing.T) {
	src, err := csvfile.New(csvfile.Config{Path: "testdata/semicolon.csv", MappingPath: "testdata/mapping_semicolon.yaml"})
	require.NoError(t, err)
	got := customers(syncAll(t, src, time.Time{}))
	require.Len(t, got, 2)
	assert.Equal(t, "semicolon", got[0].Source, "name defaults to the file's base name")
	assert.Equal(t, "anna@example.de", got[0].Email, "columns match case-insensitively when no exact match")
	assert.Equal(t, "Jean; Paul", got[1].FirstName)
	info, err := os.Stat("testdata/semicolon.csv")
	require.NoError(t, err)
	assert.True(t, got[0].UpdatedAt.Equal(info.ModTime().Truncate(time.Second)), "without updated_at, rows carry the file's modification time")
}

func TestSource_TabDelimited(t *testing.T) {
	p := filepath.Join(t.TempDir(), "export.tsv")
	require.NoError(t, os.WriteFile(p, []byte("id\tfirst\tphone\temail\r\n1\tAnn\t\tann@x.com\r\n2\t \t555\t bob@x.com"), 0o644))
	src, err := csvfile.New(csvfile.Config{Path: p, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"first_name": "first", "phone": "phone", "email": "email"}}})
	require.NoError(t, err)
	got := customers(syncAll(t, src, time.Time{}))
	require.Len(t, got, 2)
	assert.Equal(t, "Ann", got[0].FirstName)
	assert.Empty(t, got[0].Phone, "an empty field between tabs stays a field")
	assert.Equal(t, "ann@x.com", got[0].Email)
	assert.Empty(t, got[1].FirstName)
	assert.Equal(t, "555", got[1].Phone)
	assert.Equal(t, "bob@x.com", got[1].Email)
}

func TestNew_Errors(t *testing.T) {
	tests := []struct {
		name string
		cfg  csvfile.Config
		want []string
	}{
		{"unknown canonical field", csvfile.Config{Path: "testdata/messy.csv", MappingPath: "testdata/mapping_unknown_field.yaml"},
			[]string{"fields.firstname", "first_name", "address.postcode", "attributes.<name>"}},
		{"mapped column missing from the header", csvfile.Config{Path: "testdata/messy.csv", MappingPath: "testdata/mapping_missing_column.yaml"},
			[]string{`"town"`, "testdata/messy.csv", "fields.address.city"}},
		{"id column missing", csvfile.Config{Path: "testdata/semicolon.csv", MappingPath: "testdata/mapping.yaml"},
			[]string{`"customer_id"`, "testdata/semicolon.csv"}},
		{"no file", csvfile.Config{Path: "testdata/nope.csv", MappingPath: "testdata/mapping.yaml"}, []string{"nope.csv"}},
		{"no mapping file", csvfile.Config{Path: "testdata/messy.csv", MappingPath: "testdata/nope.yaml"}, []string{"nope.yaml"}},
		{"no mapping", csvfile.Config{Path: "testdata/messy.csv"}, []string{"mapping"}},
		{"no path", csvfile.Config{MappingPath: "testdata/mapping.yaml"}, []string{"path"}},
		{"no id", csvfile.Config{Path: "testdata/messy.csv", Mapping: &csvfile.Mapping{Fields: map[string]string{"email": "email"}}}, []string{"id:"}},
		{"attributes without a name", csvfile.Config{Path: "testdata/messy.csv", Mapping: &csvfile.Mapping{ID: "customer_id", Fields: map[string]string{"attributes.": "tier"}}}, []string{"fields.attributes."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := csvfile.New(tt.cfg)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoadMapping(t *testing.T) {
	m, err := csvfile.LoadMapping("testdata/mapping.yaml")
	require.NoError(t, err)
	assert.Equal(t, "customer_id", m.ID)
	assert.Equal(t, "given_name", m.Fields["first_name"])
	assert.Equal(t, "postcode", m.Fields["address.postcode"])
	assert.Equal(t, "tier", m.Fields["attributes.tier"])
	require.NotNil(t, m.Identity, "the identity block applies when the file is resolved on its own")
	assert.Equal(t, identity.Threshold(0.9), m.Config(identity.DefaultConfig()).Threshold)

	t.Run("threshold auto", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "m.yaml")
		require.NoError(t, os.WriteFile(path, []byte("id: id\nfields: {email: email}\nidentity:\n  threshold: auto\n  target_precision: 0.99\n"), 0o600))
		m, err := csvfile.LoadMapping(path)
		require.NoError(t, err)
		base := identity.DefaultConfig()
		base.Threshold = 0.95
		cfg := m.Config(base)
		assert.True(t, cfg.Threshold.Auto())
		assert.Equal(t, 0.99, cfg.TargetPrecision)
	})

	t.Run("the mapping's source names the records when the config does not", func(t *testing.T) {
		src, err := csvfile.New(csvfile.Config{Path: "testdata/semicolon.csv", Mapping: &csvfile.Mapping{Source: "eu_export", ID: "id", Fields: map[string]string{"email": "mail"}}})
		require.NoError(t, err)
		assert.Equal(t, "eu_export", customers(syncAll(t, src, time.Time{}))[0].Source)
	})

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("id: [unclosed\n"), 0o644))
	_, err = csvfile.LoadMapping(bad)
	assert.ErrorContains(t, err, bad)
}

func TestSet(t *testing.T) {
	tests := []struct {
		path, value string
		check       func(t *testing.T, c record.Customer)
	}{
		{"email", "a@b.c", func(t *testing.T, c record.Customer) { assert.Equal(t, "a@b.c", c.Email) }},
		{"phone", "+1 555", func(t *testing.T, c record.Customer) { assert.Equal(t, "+1 555", c.Phone) }},
		{"title", "Dr", func(t *testing.T, c record.Customer) { assert.Equal(t, "Dr", c.Title) }},
		{"suffix", "Jr", func(t *testing.T, c record.Customer) { assert.Equal(t, "Jr", c.Suffix) }},
		{"gender", "F", func(t *testing.T, c record.Customer) { assert.Equal(t, "F", c.Gender) }},
		{"birth_date", "7 March 1984", func(t *testing.T, c record.Customer) { assert.Equal(t, "7 March 1984", c.BirthDate) }},
		{"address.line1", "1 Main St", func(t *testing.T, c record.Customer) { assert.Equal(t, "1 Main St", c.Address.Line1) }},
		{"address.line2", "Apt 2", func(t *testing.T, c record.Customer) { assert.Equal(t, "Apt 2", c.Address.Line2) }},
		{"address.city", "Oslo", func(t *testing.T, c record.Customer) { assert.Equal(t, "Oslo", c.Address.City) }},
		{"address.region", "CA", func(t *testing.T, c record.Customer) { assert.Equal(t, "CA", c.Address.Region) }},
		{"attributes.vip", "yes", func(t *testing.T, c record.Customer) { assert.Equal(t, "yes", c.Attributes["vip"]) }},
		{"consent.email", "Not Subscribed", func(t *testing.T, c record.Customer) {
			assert.Equal(t, record.ConsentNotSubscribed, c.Consent[record.ChannelEmail].State)
		}},
		{"consent.sms", "TRUE", func(t *testing.T, c record.Customer) {
			assert.Equal(t, record.ConsentSubscribed, c.Consent[record.ChannelSMS].State)
		}},
		{"consent.email", "opted_out", func(t *testing.T, c record.Customer) {
			assert.Equal(t, record.ConsentUnsubscribed, c.Consent[record.ChannelEmail].State)
		}},
		{"consent.email", "pending", func(t *testing.T, c record.Customer) {
			assert.Equal(t, record.ConsentPending, c.Consent[record.ChannelEmail].State)
		}},
		{"updated_at", "2024-05-06T07:08:09+02:00", func(t *testing.T, c record.Customer) {
			assert.Equal(t, time.Date(2024, 5, 6, 5, 8, 9, 0, time.UTC), c.UpdatedAt)
		}},
		{"created_at", "1700000000000", func(t *testing.T, c record.Customer) {
			assert.Equal(t, time.UnixMilli(1700000000000).UTC(), c.CreatedAt)
		}},
		{"deleted", "Y", func(t *testing.T, c record.Customer) { assert.True(t, c.Deleted) }},
		{"email", "", func(t *testing.T, c record.Customer) { assert.Equal(t, record.Customer{}, c) }},
	}
	for _, tt := range tests {
		t.Run(tt.path+"="+tt.value, func(t *testing.T) {
			var c record.Customer
			require.NoError(t, csvfile.Set(&c, tt.path, tt.value))
			tt.check(t, c)
		})
	}
	errTests := []struct{ path, value, want string }{
		{"firstname", "x", "first_name"},
		{"address.street", "x", "valid fields"},
		{"consent.email", "maybe", "consent state"},
		{"consent.push", "yes", "unknown canonical field"},
		{"updated_at", "05/06/2024", "not a time"},
		{"deleted", "gone", "deleted"},
	}
	for _, tt := range errTests {
		t.Run("error "+tt.path+"="+tt.value, func(t *testing.T) {
			var c record.Customer
			assert.ErrorContains(t, csvfile.Set(&c, tt.path, tt.value), tt.want)
		})
	}
}

// writeCSV writes n rows with ids 0..n-1; row i was updated on day i of 2024.
func writeCSV(t *testing.T, n int, crlf bool) string {
	t.Helper()
	nl := "\n"
	if crlf {
		nl = "\r\n"
	}
	var b strings.Builder
	b.WriteString("\xef\xbb\xbfid, email, note, changed" + nl)
	for i := 0; i < n; i++ {
		note := fmt.Sprintf("plain %d", i)
		if i%7 == 0 {
			note = fmt.Sprintf("\"quoted, with comma%s and a line break %d\"", nl, i)
		}
		fmt.Fprintf(&b, "%d, p%d@example.com, %s, %s", i, i, note, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02"))
		if i < n-1 {
			b.WriteString(nl)
		}
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

var bigMapping = &csvfile.Mapping{ID: "id", Fields: map[string]string{"email": "email", "attributes.note": "note", "updated_at": "changed"}}

func TestSource_Paging(t *testing.T) {
	for _, crlf := range []bool{false, true} {
		t.Run(fmt.Sprintf("crlf=%v", crlf), func(t *testing.T) {
			path := writeCSV(t, 250, crlf)
			for _, size := range []int{1, 7, 50, 250, 1000} {
				t.Run(fmt.Sprint("page size ", size), func(t *testing.T) {
					src, err := csvfile.New(csvfile.Config{Path: path, Mapping: bigMapping, PageSize: size})
					require.NoError(t, err)
					pages := syncAll(t, src, time.Time{})
					got := ids(customers(pages))
					require.Len(t, got, 250)
					for i, id := range got {
						require.Equal(t, fmt.Sprint(i), id)
					}
					assert.Equal(t, (250+size-1)/size, len(pages), "the last full page is known to be last")
				})
			}
			t.Run("line numbers in errors survive paging", func(t *testing.T) {
				src, err := csvfile.New(csvfile.Config{Path: path, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"consent.email": "note"}}, PageSize: 10})
				require.NoError(t, err)
				page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
				require.NoError(t, err)
				require.NotEmpty(t, page.Rejected)
				assert.Equal(t, int64(2), page.Rejected[0].Line, "row 0 is on line 2")
			})
			t.Run("resume from an earlier cursor returns the same page", func(t *testing.T) {
				src, err := csvfile.New(csvfile.Config{Path: path, Mapping: bigMapping, PageSize: 13})
				require.NoError(t, err)
				pages := syncAll(t, src, time.Time{})
				for i := 1; i < len(pages); i++ {
					again, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: pages[i-1].Next})
					require.NoError(t, err)
					require.Equal(t, pages[i], again)
				}
			})
		})
	}
	t.Run("bad cursors", func(t *testing.T) {
		path := writeCSV(t, 20, false)
		src, err := csvfile.New(csvfile.Config{Path: path, Mapping: bigMapping, PageSize: 5})
		require.NoError(t, err)
		for _, cur := range []string{"abc", "1:2", "0:0:0", "1:99999:2", "1:40:2"} {
			_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: cur})
			assert.Error(t, err, cur)
		}
	})
}

func TestSource_Incremental(t *testing.T) {
	path := writeCSV(t, 100, false)
	src, err := csvfile.New(csvfile.Config{Path: path, Mapping: bigMapping, PageSize: 9})
	require.NoError(t, err)
	since := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC) // day 60
	got := customers(syncAll(t, src, since))
	require.Len(t, got, 40)
	for i, c := range got {
		assert.Equal(t, fmt.Sprint(60+i), c.SourceID)
		assert.False(t, c.UpdatedAt.Before(since))
	}

	t.Run("without updated_at every sync is full", func(t *testing.T) {
		full, err := csvfile.New(csvfile.Config{Path: path, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"email": "email"}}})
		require.NoError(t, err)
		assert.Len(t, customers(syncAll(t, full, since)), 100)
	})
	t.Run("rows without updated_at are kept", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "gaps.csv")
		require.NoError(t, os.WriteFile(p, []byte("id,email,changed\n1,a@x.com,2020-01-01\n2,b@x.com,\n3,c@x.com,2025-01-01\n"), 0o644))
		s, err := csvfile.New(csvfile.Config{Path: p, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"email": "email", "updated_at": "changed"}}})
		require.NoError(t, err)
		assert.Equal(t, []string{"2", "3"}, ids(customers(syncAll(t, s, since))))
	})
}

// readAll pages through src, returning the customers and the rejected rows.
func readAll(t *testing.T, src *csvfile.Source) ([]record.Customer, []connectors.Rejected) {
	t.Helper()
	var cs []record.Customer
	var rej []connectors.Rejected
	cur := ""
	for i := 0; i < 1000; i++ {
		page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: cur})
		require.NoError(t, err)
		cs = append(cs, page.Customers...)
		rej = append(rej, page.Rejected...)
		if page.Done {
			return cs, rej
		}
		cur = page.Next
	}
	t.Fatal("no last page")
	return nil, nil
}

func TestSource_BadRowsAreRejectedAndTheRestIsRead(t *testing.T) {
	tests := []struct {
		name, content string
		line          int64
		want          []string // in the reason or field
		good          []string // ids still read
	}{
		{"empty id", "id,email\n1,a@x.com\n,b@x.com\n3,c@x.com\n", 3, []string{`"id"`, "empty"}, []string{"1", "3"}},
		{"too many fields", "id,email\n1,a@x.com\n2,b,c@x.com\n3,c@x.com\n", 3, []string{"3 fields for 2"}, []string{"1", "3"}},
		{"bare quote", "id,email\n1,a\"x@x.com\n2,b@x.com\n", 2, []string{"quote"}, []string{"2"}},
		{"unterminated quote", "id,email\n1,a@x.com\n2,\"b@x.com\n3,c@x.com\n", 4, []string{"quote"}, []string{"1"}},
		{"not UTF-8", "id,email\n1,caf\xe9@x.com\n2,b@x.com\n", 2, []string{`"email"`, "UTF-8"}, []string{"2"}},
		{"bad time", "id,email,changed\n1,a@x.com,yesterday\n2,b@x.com,2024-01-01\n", 2, []string{`"changed"`, "updated_at", "9-character text"}, []string{"2"}},
		{"bad consent", "id,email,consent\n1,jane@x.com,perhaps\n2,b@x.com,yes\n", 2, []string{`"consent"`, "consent state"}, []string{"2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.csv")
			require.NoError(t, os.WriteFile(p, []byte(tt.content), 0o644))
			m := &csvfile.Mapping{ID: "id", Fields: map[string]string{"email": "email"}}
			if strings.Contains(tt.content, "changed") {
				m.Fields["updated_at"] = "changed"
			}
			if strings.Contains(tt.content, "consent") {
				m.Fields["consent.email"] = "consent"
			}
			src, err := csvfile.New(csvfile.Config{Path: p, Mapping: m})
			require.NoError(t, err)
			cs, rej := readAll(t, src)
			assert.Equal(t, tt.good, ids(cs))
			require.Len(t, rej, 1)
			assert.Equal(t, tt.line, rej[0].Line)
			text := rej[0].Field + " " + rej[0].Reason
			for _, w := range tt.want {
				assert.Contains(t, text, w)
			}
			for _, v := range []string{"yesterday", "perhaps", "jane@x.com", "caf"} {
				assert.NotContains(t, text, v, "the reason quotes the value")
			}
		})
	}
	t.Run("line numbers stay right across pages and multi-line values", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("id,note,consent\r\n")
		line := 2
		want := 0
		for i := 0; i < 40; i++ {
			consent := "yes"
			if i == 33 {
				consent, want = "perhaps", line
			}
			if i%5 == 0 {
				fmt.Fprintf(&b, "%d,\"two\r\nlines\",%s\r\n", i, consent)
				line += 2
			} else {
				fmt.Fprintf(&b, "%d,one line,%s\r\n", i, consent)
				line++
			}
			if i == 20 {
				b.WriteString("\r\n\r\n") // blank lines count too
				line += 2
			}
		}
		p := filepath.Join(t.TempDir(), "lines.csv")
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
		src, err := csvfile.New(csvfile.Config{Path: p, PageSize: 4, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"consent.email": "consent"}}})
		require.NoError(t, err)
		cs, rej := readAll(t, src)
		assert.Len(t, cs, 39)
		require.Len(t, rej, 1)
		assert.Equal(t, int64(want), rej[0].Line)
		assert.Equal(t, "33", rej[0].ID)
	})
	t.Run("trailing empty fields are tolerated", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "trail.csv")
		require.NoError(t, os.WriteFile(p, []byte("id,email\n1,a@x.com,,\n"), 0o644))
		src, err := csvfile.New(csvfile.Config{Path: p, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"email": "email"}}})
		require.NoError(t, err)
		assert.Equal(t, []string{"1"}, ids(customers(syncAll(t, src, time.Time{}))))
	})
	t.Run("header only", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "empty.csv")
		require.NoError(t, os.WriteFile(p, []byte("id,email"), 0o644))
		src, err := csvfile.New(csvfile.Config{Path: p, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"email": "email"}}})
		require.NoError(t, err)
		pages := syncAll(t, src, time.Time{})
		require.Len(t, pages, 1)
		assert.Zero(t, pages[0].Len())
	})
	t.Run("empty file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "none.csv")
		require.NoError(t, os.WriteFile(p, nil, 0o644))
		_, err := csvfile.New(csvfile.Config{Path: p, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"email": "email"}}})
		assert.ErrorContains(t, err, "header")
	})
	t.Run("unknown kind", func(t *testing.T) {
		src, err := csvfile.New(csvfile.Config{Path: "testdata/messy.csv", MappingPath: "testdata/mapping.yaml"})
		require.NoError(t, err)
		_, err = src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindOrder})
		assert.ErrorContains(t, err, "unsupported kind")
		assert.Equal(t, []record.Kind{record.KindCustomer}, src.Kinds())
	})
}

func TestParseMapping_UnknownKeysAreErrors(t *testing.T) {
	_, err := csvfile.ParseMapping([]byte("id: id\nfields:\n  email: email\nidentiy:\n  exact: [email]\n"))
	require.ErrorContains(t, err, "identiy")
	_, err = csvfile.ParseMapping([]byte("id: id\nfields:\n  email: email\nidentity:\n  match: [[email]]\n"))
	require.ErrorContains(t, err, "match")
	_, err = csvfile.ParseMapping([]byte("id: id\nfields:\n  shoe_size: size\n"))
	require.ErrorContains(t, err, "fields.shoe_size: unknown canonical field")
}

func TestMapping_ConfigComparesMappedFields(t *testing.T) {
	base := identity.DefaultConfig()
	m, err := csvfile.ParseMapping([]byte("id: id\nfields:\n  email: email\n  first_name: given\n  address.line2: addr2\n  attributes.street_number: no\n"))
	require.NoError(t, err)
	// No compare list of its own: the built-in list plus every mapped field (email is matched exactly).
	assert.Equal(t, append(base.Compare, "address.line2", "attributes.street_number"), m.Config(base).Compare)

	m, err = csvfile.ParseMapping([]byte("id: id\nfields:\n  first_name: given\n  address.line2: addr2\nidentity:\n  compare: [first_name]\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"first_name"}, m.Config(base).Compare, "a compare list is taken as written")
}

func TestSource_FullName(t *testing.T) {
	// One name column: it fills the first name (cleansing splits it), unless the row has a first
	// or last name of its own.
	dir := t.TempDir()
	path := filepath.Join(dir, "people.csv")
	require.NoError(t, os.WriteFile(path, []byte("id,name,given\n1,  Dr. Ann   Lee ,\n2,\"Lee, Ann\",\n3,Ann Lee,Anna\n"), 0o600))
	src, err := csvfile.New(csvfile.Config{Path: path, Mapping: &csvfile.Mapping{ID: "id", Fields: map[string]string{"full_name": "name", "first_name": "given"}}})
	require.NoError(t, err)
	cs, rej := readAll(t, src)
	require.Empty(t, rej)
	require.Len(t, cs, 3)
	assert.Equal(t, "Dr. Ann Lee", cs[0].FirstName)
	assert.Equal(t, "Lee, Ann", cs[1].FirstName)
	assert.Equal(t, "Anna", cs[2].FirstName, "a mapped first name wins")
	assert.Empty(t, cs[0].LastName)
}
