// start.go holds starting a run, shared by the command line and the console: one id per
// request second, and a request with the id of a running workflow joins that run.
package engine

import (
	"context"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/workflows"
)

// StartRequest is one run to start.
type StartRequest struct {
	ID       string
	Workflow any
	Input    any
	Summary  string // shown in Temporal UI's workflow list
	Attrs    temporal.SearchAttributes
}

// StartRun starts the workflow. A request with the id of a running workflow joins that run
// instead of starting a second one ("refresh now" pressed twice).
func StartRun(ctx context.Context, c client.Client, cfg *config.Config, r StartRequest) (client.WorkflowRun, error) {
	opts := client.StartWorkflowOptions{
		ID:                       r.ID,
		TaskQueue:                cfg.Temporal.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		StaticSummary:            r.Summary,
		TypedSearchAttributes:    r.Attrs,
	}
	run, err := c.ExecuteWorkflow(ctx, opts, r.Workflow, r.Input)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", r.ID, err)
	}
	return run, nil
}

// SearchAttributesReady reports whether the run search attributes exist in the namespace.
func SearchAttributesReady(ctx context.Context, c client.Client, namespace string) bool {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return false
	}
	for name := range workflows.SearchAttributes() {
		if _, ok := resp.GetCustomAttributes()[name]; !ok {
			return false
		}
	}
	return true
}
