package identity

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
)

func TestResolve_SharedIdentifiers(t *testing.T) {
	// A household mailbox used by two different people in one source.
	mother := cust(t, "crm", "1", "email", "family@mail.io", "first_name", "ann", "last_name", "lee", "birth_date", "1960-02-03")
	son := cust(t, "crm", "2", "email", "family@mail.io", "first_name", "tom", "last_name", "lee", "birth_date", "1995-07-08")
	// The mother again, in another source, with her own phone and the same name and birth date.
	again := cust(t, "shop", "9", "first_name", "ann", "last_name", "lee", "birth_date", "1960-02-03", "address.postcode", "98101")

	t.Run("without the flag the shared email links both people", func(t *testing.T) {
		res, err := Resolve(context.Background(), DefaultConfig(), []record.Customer{mother, son}, State{})
		require.NoError(t, err)
		p := profileOf(res)
		assert.Equal(t, p[key("crm", "1")], p[key("crm", "2")])
	})
	t.Run("a flagged shared email does not link deterministically", func(t *testing.T) {
		m, s := mother, son
		m.Shared = []string{"email"}
		s.Shared = []string{"email", "phone"}
		res, err := Resolve(context.Background(), DefaultConfig(), []record.Customer{m, s, again}, State{})
		require.NoError(t, err)
		p := profileOf(res)
		assert.NotEqual(t, p[key("crm", "1")], p[key("crm", "2")], "mother and son stay apart")
		assert.NotEmpty(t, p[key("shop", "9")])
	})
}
