package workflows

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"
)

// TestReplay_RecordedHistories replays histories recorded from real runs (e2e with
// CDPFLOW_RECORD_HISTORY=<abs path>) against the current workflow code: a change that would break
// running workflows fails here. Record a new fixture when a change is versioned with GetVersion.
func TestReplay_RecordedHistories(t *testing.T) {
	// refresh-history.json predates the status-search-attribute version; -v1 includes it.
	for _, f := range []string{"testdata/refresh-history.json", "testdata/refresh-history-v1.json"} {
		t.Run(f, func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(CustomerRefresh)
			r.RegisterWorkflow(SourceSync)
			r.RegisterWorkflow(Campaign)
			require.NoError(t, r.ReplayWorkflowHistoryFromJSONFile(nil, f))
		})
	}
}
