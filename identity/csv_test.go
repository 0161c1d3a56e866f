// csv_test.go tests the offline CSV helpers.
package identity

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testMapping() Mapping {
	return Mapping{ID: "rec_id", Fields: map[string]string{
		"first_name": "given_name", "last_name": "surname", "birth_date": "dob",
		"address.postcode": "postcode", "attributes.ssn": "ssn",
	}}
}

func TestReadCSV(t *testing.T) {
	t.Run("files as found in the wild", func(t *testing.T) {
		// A byte-order mark, spaces after commas, CRLF, quotes, a blank line, no final newline.
		in := "\ufeffrec_id, given_name, surname, dob, postcode, ssn\r\n" +
			"r1, Sarah ,  BRUHN, 19300213, 4510, 7535316\r\n" +
			"\r\n" +
			"r2, \"Jacob  Lee\", lanyon, 1908-07-12, , 9497788"
		recs, err := ReadCSV(strings.NewReader(in), testMapping())
		require.NoError(t, err)
		require.Len(t, recs, 2)
		assert.Equal(t, "csv", recs[0].Source)
		assert.Equal(t, "r1", recs[0].SourceID)
		assert.Equal(t, "sarah", recs[0].FirstName)
		assert.Equal(t, "bruhn", recs[0].LastName)
		assert.Equal(t, "1930-02-13", recs[0].BirthDate)
		assert.Equal(t, "4510", recs[0].Address.Postcode)
		assert.Equal(t, "7535316", recs[0].Attributes["ssn"])
		assert.Equal(t, "jacob lee", recs[1].FirstName)
		assert.Equal(t, "1908-07-12", recs[1].BirthDate)
		assert.Empty(t, recs[1].Address.Postcode)
	})
	t.Run("errors name the problem", func(t *testing.T) {
		for name, tc := range map[string]struct{ in, want string }{
			"missing column": {"rec_id, given_name\nr1, a", `is not in the header (rec_id, given_name)`},
			"duplicate id":   {"rec_id, given_name, surname, dob, postcode, ssn\nr1,a,b,c,d,e\nr1,a,b,c,d,e", `id "r1" already on line 2`},
			"empty id":       {"rec_id, given_name, surname, dob, postcode, ssn\n ,a,b,c,d,e", "empty id"},
			"ragged row":     {"rec_id, given_name, surname, dob, postcode, ssn\nr1,a,b", "wrong number of fields"},
			"empty input":    {"", "empty input"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := ReadCSV(strings.NewReader(tc.in), testMapping())
				assert.ErrorContains(t, err, tc.want)
			})
		}
	})
}

func TestWriteClusters(t *testing.T) {
	in := "rec_id, given_name, surname, dob, postcode, ssn\nr1,ann,lee,1980-01-02,1000,1\nr2,ann,lee,1980-01-02,1000,2"
	recs, err := ReadCSV(strings.NewReader(in), testMapping())
	require.NoError(t, err)
	res := mustResolve(t, DefaultConfig(), recs, State{})
	var out bytes.Buffer
	require.NoError(t, WriteClusters(&out, res))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 3)
	assert.Equal(t, "record_id,profile_id", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "r1,p_"))
	assert.True(t, strings.HasPrefix(lines[2], "r2,p_"))
}

func TestResolveCSV(t *testing.T) {
	in := "id,first,last,dob,email\r\n1, ann, lee, 1980-01-02, a@x.com\r\n2, anne, lee, 1980-02-01, a@x.com\r\n3, bob, ray, 1970-05-06, b@x.com"
	m, err := ParseMapping([]byte("id: id\nfields: {first_name: first, last_name: last, birth_date: dob, email: email}\n"))
	require.NoError(t, err)
	var out bytes.Buffer
	res, err := ResolveCSV(t.Context(), DefaultConfig(), m, strings.NewReader(in), &out)
	require.NoError(t, err)
	assert.Len(t, res.Profiles, 2)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4)
	id1, id2 := strings.Split(lines[1], ",")[1], strings.Split(lines[2], ",")[1]
	assert.Equal(t, id1, id2)
	assert.NotEqual(t, id1, strings.Split(lines[3], ",")[1])
}
