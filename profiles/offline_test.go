// offline_test.go tests ResolveFile on a messy file: the offline path cleanses like the pipeline.
package profiles

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
)

func TestResolveFile_CleansesLikeThePipeline(t *testing.T) {
	m, err := csvfile.LoadMapping("testdata/messy.mapping.yaml")
	require.NoError(t, err)
	res, err := ResolveFile(context.Background(), FileRequest{Input: "testdata/messy.csv", Mapping: m,
		Identity: identity.DefaultConfig(), Cleanse: cleansing.Options{DefaultRegion: "US", DateOrder: "DMY"}})
	require.NoError(t, err)
	profile := map[string]string{}
	for _, l := range res.Result.Links {
		profile[l.Record.ID] = l.Profile
	}
	assert.Len(t, profile, 12, "every row is resolved (records without email or phone are kept)")
	t.Run("placeholder identifiers never link different people", func(t *testing.T) {
		assert.NotEqual(t, profile["1"], profile["2"], "test@example.com")
		assert.NotEqual(t, profile["3"], profile["4"], "0000000000")
	})
	t.Run("one phone in three formats is one person", func(t *testing.T) {
		assert.Equal(t, profile["5"], profile["6"])
		assert.Equal(t, profile["5"], profile["7"])
	})
	t.Run("Gmail dots, +tags and googlemail.com are one mailbox", func(t *testing.T) {
		assert.Equal(t, profile["8"], profile["9"])
		assert.Equal(t, profile["8"], profile["10"])
	})
	t.Run("golden records keep a sendable address, never the matching key", func(t *testing.T) {
		for _, p := range res.Result.Profiles {
			if p.ID == profile["8"] {
				assert.Contains(t, []string{"john.doe+shop@gmail.com", "johndoe@gmail.com", "john.doe@googlemail.com"}, p.Golden.Email)
				assert.Nil(t, p.Golden.Shared)
			}
		}
	})
	t.Run("the clusters file", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, WriteClusters(&buf, res.Result))
		assert.Contains(t, buf.String(), "record_id,profile_id\n1,p_")
	})
}

func TestWriteClusters_NeutralizesFormulas(t *testing.T) {
	var buf bytes.Buffer
	res := identity.Result{Links: []identity.Link{{Record: record.RecordKey{Source: "x", ID: "=HYPERLINK(\"http://evil\")"}, Profile: "p_1"},
		{Record: record.RecordKey{Source: "x", ID: "+1+1"}, Profile: "p_2"}, {Record: record.RecordKey{Source: "x", ID: "@SUM(A1)"}, Profile: "p_3"}}}
	require.NoError(t, WriteClusters(&buf, res))
	assert.Equal(t, "record_id,profile_id\n\"'=HYPERLINK(\"\"http://evil\"\")\",p_1\n'+1+1,p_2\n'@SUM(A1),p_3\n", buf.String())
}
