package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/store"
)

func testConsent(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	got, err := s.OptOutKeys(ctx, "email")
	require.NoError(t, err)
	require.Empty(t, got)
	require.NoError(t, s.ReplaceOptOuts(ctx, "email", []string{"k1", "k2", "k2"}))
	require.NoError(t, s.ReplaceOptOuts(ctx, "sms", []string{"k9"}))
	got, err = s.OptOutKeys(ctx, "email")
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"k1": true, "k2": true}, got)
	require.NoError(t, s.ReplaceOptOuts(ctx, "email", []string{"k3"}), "a replacement drops what it does not list")
	got, err = s.OptOutKeys(ctx, "email")
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"k3": true}, got)
	got, err = s.OptOutKeys(ctx, "sms")
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"k9": true}, got, "channels are separate")
}
