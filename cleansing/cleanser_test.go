package cleansing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
)

var testNow = func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }

func newTestCleanser(t *testing.T, opts Options) *Cleanser {
	t.Helper()
	if opts.Now == nil {
		opts.Now = testNow
	}
	c, err := New(opts)
	require.NoError(t, err)
	return c
}

func TestNewValidatesOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"defaults", Options{}, ""},
		{"lower-case region", Options{DefaultRegion: "us", DateOrder: "mdy"}, ""},
		{"alpha-3 region", Options{DefaultRegion: "USA"}, `cleanse.default_region: "USA" is not an ISO-3166 alpha-2 code: use "US"`},
		{"country name", Options{DefaultRegion: "Germany"}, `use "DE"`},
		{"unknown region", Options{DefaultRegion: "QQ"}, `cleanse.default_region: "QQ" is not an ISO-3166 alpha-2 country code`},
		{"bad date order", Options{DateOrder: "YMD"}, `cleanse.date_order: "YMD" is not supported: use "DMY"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestCustomerNormalizesEveryField(t *testing.T) {
	c := newTestCleanser(t, Options{DefaultRegion: "US", DateOrder: "MDY"})
	in := record.Customer{
		Source: "hubspot", SourceID: "42",
		Email:     "  John.Smith+News@GMAIL.com ",
		Phone:     "(415) 555-2671",
		FirstName: "MR. JOHN SMITH JR.",
		BirthDate: "07/04/1985",
		Gender:    "Male",
		Address: record.Address{Line1: " 1 Market   St ", City: "San Francisco", Region: "calif.",
			Postcode: "941031234", Country: "United States"},
		Attributes: map[string]string{"company": "Acme"},
	}
	got := c.Customer(in)
	assert.False(t, got.Quarantined)
	assert.Empty(t, got.Issues)
	assert.Equal(t, record.Customer{
		Source: "hubspot", SourceID: "42",
		Email: "john.smith+news@gmail.com", Phone: "+14155552671",
		Title: "mr", FirstName: "John", LastName: "Smith", Suffix: "jr",
		BirthDate: "1985-07-04", Gender: "m",
		Address: record.Address{Line1: "1 Market St", City: "San Francisco", Region: "CA",
			Postcode: "94103-1234", Country: "US"},
		Attributes: map[string]string{"company": "Acme"},
	}, got.Record)
}

func TestCustomerRules(t *testing.T) {
	base := func(mod func(*record.Customer)) record.Customer {
		r := record.Customer{Source: "shop", SourceID: "1", Email: "jane@acme.io", FirstName: "Jane", LastName: "Doe"}
		mod(&r)
		return r
	}
	type want struct {
		quarantined bool
		issues      []string // "field:reason" or "field:reason:kept"
		check       func(t *testing.T, r record.Customer)
	}
	tests := []struct {
		name string
		opts Options
		in   record.Customer
		want want
	}{
		{"clean record", Options{}, base(func(r *record.Customer) {}), want{}},
		{"bad field dropped, good ones kept", Options{DefaultRegion: "US"}, base(func(r *record.Customer) {
			r.Phone = "12"
			r.BirthDate = "31/02/2020"
		}), want{issues: []string{"phone:invalid_phone", "birth_date:invalid_date"}, check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, "jane@acme.io", r.Email)
			assert.Empty(t, r.Phone)
			assert.Empty(t, r.BirthDate)
			assert.Equal(t, "Jane", r.FirstName)
		}}},
		{"phone read in the record's country", Options{DefaultRegion: "US"}, base(func(r *record.Customer) {
			r.Phone = "020 7946 0958"
			r.Address.Country = "UK"
		}), want{check: func(t *testing.T, r record.Customer) { assert.Equal(t, "+442079460958", r.Phone) }}},
		{"phone read in the default region", Options{DefaultRegion: "GB"}, base(func(r *record.Customer) {
			r.Phone = "020 7946 0958"
		}), want{check: func(t *testing.T, r record.Customer) { assert.Equal(t, "+442079460958", r.Phone) }}},
		{"phone extension flagged", Options{DefaultRegion: "US"}, base(func(r *record.Customer) {
			r.Phone = "415-555-2671 x12"
		}), want{issues: []string{"phone:phone_extension:kept"}}},
		{"disposable kept and flagged by default", Options{}, base(func(r *record.Customer) {
			r.Email = "jane@mailinator.com"
		}), want{issues: []string{"email:disposable_email:kept"}, check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, "jane@mailinator.com", r.Email)
		}}},
		{"disposable rejected", Options{RejectDisposable: true, DefaultRegion: "US"}, base(func(r *record.Customer) {
			r.Email = "jane@mailinator.com"
			r.Phone = "+1 415 555 2671"
		}), want{issues: []string{"email:disposable_email"}, check: func(t *testing.T, r record.Customer) {
			assert.Empty(t, r.Email)
		}}},
		{"role kept and flagged", Options{}, base(func(r *record.Customer) { r.Email = "info@acme.io" }),
			want{issues: []string{"email:role_email:kept"}}},
		{"placeholder email with a phone is kept without the email", Options{DefaultRegion: "US"}, base(func(r *record.Customer) {
			r.Email = "test@example.com"
			r.Phone = "415 555 2671"
		}), want{issues: []string{"email:placeholder_email"}}},
		{"no identifier", Options{}, base(func(r *record.Customer) {
			r.Email = "noreply@acme.io"
			r.Address.City = "Berlin"
		}), want{quarantined: true, issues: []string{"record:no_identifier", "email:noreply_email"}}},
		{"no identifier at all", Options{}, base(func(r *record.Customer) { r.Email = "" }),
			want{quarantined: true, issues: []string{"record:no_identifier"}}},
		{"all junk", Options{DefaultRegion: "US"}, record.Customer{Source: "shop", SourceID: "2",
			Email: "test@example.com", Phone: "0000000000", FirstName: "Test", LastName: "Test", Gender: "yes"},
			want{quarantined: true, issues: []string{"record:all_junk", "email:placeholder_email",
				"phone:placeholder_phone", "first_name:placeholder_name", "last_name:placeholder_name", "gender:invalid_gender"}}},
		{"missing source id", Options{}, base(func(r *record.Customer) { r.SourceID = " " }),
			want{quarantined: true, issues: []string{"source_id:missing_id"}}},
		{"deleted record without identifier is not quarantined", Options{}, base(func(r *record.Customer) {
			r.Email = ""
			r.Deleted = true
		}), want{}},
		{"placeholder full name", Options{}, base(func(r *record.Customer) {
			r.FirstName, r.LastName = "Test", "User"
		}), want{issues: []string{"first_name:placeholder_name", "last_name:placeholder_name"}}},
		{"invalid names", Options{}, base(func(r *record.Customer) {
			r.FirstName, r.LastName = "jane@acme.io", "Doe"
		}), want{issues: []string{"first_name:invalid_name"}, check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, "Doe", r.LastName)
		}}},
		{"title field merged with title in name", Options{}, base(func(r *record.Customer) {
			r.Title, r.FirstName = "Prof.", "Dr. Jane"
		}), want{check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, "prof dr", r.Title)
			assert.Equal(t, "Jane", r.FirstName)
		}}},
		{"job title in title field dropped", Options{}, base(func(r *record.Customer) { r.Title = "CEO" }),
			want{issues: []string{"title:invalid_title"}}},
		{"birth date in the future", Options{}, base(func(r *record.Customer) { r.BirthDate = "2030-01-01" }),
			want{issues: []string{"birth_date:invalid_date"}}},
		{"birth date placeholder", Options{}, base(func(r *record.Customer) { r.BirthDate = "01/01/1900" }),
			want{issues: []string{"birth_date:placeholder_date"}}},
		{"birth date before 1900", Options{}, base(func(r *record.Customer) { r.BirthDate = "1850-03-01" }),
			want{issues: []string{"birth_date:invalid_date"}}},
		{"historical birth date with cleanse.min_birth_year", Options{MinBirthYear: 1}, base(func(r *record.Customer) { r.BirthDate = "1630-08-01" }),
			want{check: func(t *testing.T, r record.Customer) { assert.Equal(t, "1630-08-01", r.BirthDate) }}},
		{"peerage in a full name", Options{}, base(func(r *record.Customer) {
			r.FirstName, r.LastName = "Thomas Clifford, 1st Baron Clifford of Chudleigh", ""
		}), want{check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, []string{"Thomas", "Clifford", "baron"}, []string{r.FirstName, r.LastName, r.Title})
		}}},
		{"gender unknown is empty without issue", Options{}, base(func(r *record.Customer) { r.Gender = "unknown" }), want{}},
		{"bad country drops only the country", Options{}, base(func(r *record.Customer) {
			r.Address = record.Address{City: "Springfield", Region: "IL", Postcode: "62701", Country: "Narnia"}
		}), want{issues: []string{"address.country:invalid_country"}, check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, "IL", r.Address.Region)
			assert.Equal(t, "62701", r.Address.Postcode)
		}}},
		{"region and postcode checked against the country", Options{}, base(func(r *record.Customer) {
			r.Address = record.Address{Region: "Ontario", Postcode: "ABC", Country: "US"}
		}), want{issues: []string{"address.region:invalid_region", "address.postcode:invalid_postcode"}}},
		{"no country: default region's rules when they fit", Options{DefaultRegion: "US"}, base(func(r *record.Customer) {
			r.Address = record.Address{Region: "California", Postcode: "2134"}
		}), want{check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, "CA", r.Address.Region)
			assert.Equal(t, "02134", r.Address.Postcode)
			assert.Empty(t, r.Address.Country, "the country is never invented")
		}}},
		{"no country: value kept when the default's rules do not fit", Options{DefaultRegion: "US"}, base(func(r *record.Customer) {
			r.Address = record.Address{Region: "Bavaria", Postcode: "sw1a 1aa"}
		}), want{check: func(t *testing.T, r record.Customer) {
			assert.Equal(t, "Bavaria", r.Address.Region)
			assert.Equal(t, "SW1A 1AA", r.Address.Postcode)
		}}},
		{"address placeholders dropped", Options{}, base(func(r *record.Customer) {
			r.Address = record.Address{Line1: "N/A", Line2: "-", City: "???"}
		}), want{issues: []string{"address.line1:placeholder_value", "address.line2:placeholder_value", "address.city:placeholder_value"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCleanser(t, tt.opts)
			got := c.Customer(tt.in)
			assert.Equal(t, tt.want.quarantined, got.Quarantined)
			var issues []string
			for _, is := range got.Issues {
				s := is.Field + ":" + is.Reason
				if !is.Dropped && is.Field != recordField && is.Reason != ReasonMissingID {
					s += ":kept"
				}
				issues = append(issues, s)
				assert.NotEmpty(t, is.Detail, "issue %s has no detail", s)
			}
			assert.Equal(t, tt.want.issues, issues)
			if tt.want.check != nil {
				tt.want.check(t, got.Record)
			}
			// Cleansing a cleansed record changes nothing.
			again := c.Customer(got.Record)
			assert.Equal(t, got.Record, again.Record, "not idempotent")
		})
	}
}

func TestIssueValueIsAsReceived(t *testing.T) {
	c := newTestCleanser(t, Options{DefaultRegion: "US"})
	got := c.Customer(record.Customer{Source: "s", SourceID: "1", Email: " Bad@@Mail ", Phone: "  12 "})
	require.Len(t, got.Issues, 3)
	assert.Equal(t, ReasonAllJunk, got.Reason())
	assert.Equal(t, Issue{Field: "email", Reason: ReasonInvalidEmail, Value: " Bad@@Mail ", Dropped: true,
		Detail: `email " Bad@@Mail ": has more than one @`}, got.Issues[1])
	assert.Equal(t, "  12 ", got.Issues[2].Value)
}

func TestOrder(t *testing.T) {
	c := newTestCleanser(t, Options{DefaultRegion: "US"})
	tests := []struct {
		name        string
		in          record.Order
		quarantined bool
		issues      []string
		check       func(t *testing.T, o record.Order)
	}{
		{"clean", record.Order{Source: "shop", ID: "1001", Email: "Jane@Acme.io", Total: record.Money{Amount: 1999, Currency: "usd"}},
			false, nil, func(t *testing.T, o record.Order) {
				assert.Equal(t, "jane@acme.io", o.Email)
				assert.Equal(t, "USD", o.Total.Currency)
			}},
		{"invalid currency cleared", record.Order{Source: "shop", ID: "1002", Total: record.Money{Amount: 500, Currency: "dollars"}},
			false, []string{"total.currency:invalid_currency"}, func(t *testing.T, o record.Order) {
				assert.Empty(t, o.Total.Currency)
				assert.Equal(t, int64(500), o.Total.Amount)
			}},
		{"missing currency", record.Order{Source: "shop", ID: "1003", Total: record.Money{Amount: 500}},
			false, []string{"total.currency:missing_currency"}, nil},
		{"negative total", record.Order{Source: "shop", ID: "1004", Total: record.Money{Amount: -500, Currency: "EUR"}},
			false, []string{"total.amount:negative_total"}, nil},
		{"zero total", record.Order{Source: "shop", ID: "1005", Total: record.Money{Currency: "EUR"}},
			false, []string{"total.amount:zero_total"}, nil},
		{"line currency", record.Order{Source: "shop", ID: "1006", Total: record.Money{Amount: 1, Currency: "€"},
			Lines: []record.LineItem{{SKU: "a", Quantity: 1, Price: record.Money{Amount: 1, Currency: "XYZ"}}}},
			false, []string{"lines[0].price.currency:invalid_currency"}, func(t *testing.T, o record.Order) {
				assert.Equal(t, "EUR", o.Total.Currency)
				assert.Empty(t, o.Lines[0].Price.Currency)
			}},
		{"junk email and phone dropped", record.Order{Source: "shop", ID: "1007", Email: "noreply@shop.com", Phone: "0000000000",
			Total: record.Money{Amount: 1, Currency: "USD"}},
			false, []string{"email:noreply_email", "phone:placeholder_phone"}, nil},
		{"no id quarantined", record.Order{Source: "shop", Total: record.Money{Amount: 1, Currency: "USD"}},
			true, []string{"id:missing_id"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := append([]record.LineItem(nil), tt.in.Lines...)
			got := c.Order(tt.in)
			assert.Equal(t, tt.quarantined, got.Quarantined)
			var issues []string
			for _, is := range got.Issues {
				issues = append(issues, is.Field+":"+is.Reason)
			}
			assert.Equal(t, tt.issues, issues)
			if tt.check != nil {
				tt.check(t, got.Record)
			}
			assert.Equal(t, lines, tt.in.Lines, "the input's lines must not be modified")
		})
	}
}

func FuzzCustomer(f *testing.F) {
	f.Add("  John.Smith+News@GMAIL.com ", "(415) 555-2671", "MR. JOHN SMITH JR.", "", "07/04/1985", "Male", "calif.", "941031234", "USA")
	f.Add("test@example.com", "0000000000", "Test", "Test", "31/02/2020", "?", "", "", "")
	f.Add("bücher@例え.jp", "+81 3-1234-5678", "Smith, John", "", "2 Jan 2006", "f", "Tokyo", "〒１００－０００１", "日本")
	f.Fuzz(func(t *testing.T, email, phone, first, last, birth, gender, region, postcode, country string) {
		c, err := New(Options{DefaultRegion: "US", Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		in := record.Customer{Source: "s", SourceID: "1", Email: email, Phone: phone, FirstName: first,
			LastName: last, BirthDate: birth, Gender: gender,
			Address: record.Address{Region: region, Postcode: postcode, Country: country}}
		once := c.Customer(in)
		for _, is := range once.Issues {
			if is.Reason == "" || is.Field == "" {
				t.Fatalf("issue without field or reason: %+v", is)
			}
		}
		twice := c.Customer(once.Record)
		if !equalCustomer(twice.Record, once.Record) {
			t.Fatalf("not idempotent:\n in    %+v\n once  %+v\n twice %+v", in, once.Record, twice.Record)
		}
		for _, is := range twice.Issues {
			if is.Dropped {
				t.Fatalf("a cleansed record lost a field on the second pass: %+v", is)
			}
		}
	})
}

// equalCustomer compares the fields cleansing writes.
func equalCustomer(a, b record.Customer) bool {
	return a.Email == b.Email && a.Phone == b.Phone && a.Title == b.Title && a.FirstName == b.FirstName &&
		a.LastName == b.LastName && a.Suffix == b.Suffix && a.BirthDate == b.BirthDate &&
		a.Gender == b.Gender && a.Address == b.Address
}

func BenchmarkCustomer(b *testing.B) {
	c, err := New(Options{DefaultRegion: "US", Now: testNow})
	require.NoError(b, err)
	in := record.Customer{Source: "hubspot", SourceID: "42", Email: "  John.Smith+News@GMAIL.com ",
		Phone: "(415) 555-2671", FirstName: "MR. JOHN SMITH JR.", BirthDate: "07/04/1985", Gender: "Male",
		Address: record.Address{Line1: "1 Market St", City: "San Francisco", Region: "calif.",
			Postcode: "941031234", Country: "United States"}}
	b.ReportAllocs()
	for b.Loop() {
		c.Customer(in)
	}
}
