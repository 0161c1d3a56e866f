// This file builds the Temporal worker: registers the workflows and one Activities instance.
package engine

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/workflows"
)

// NewWorker registers every workflow and the activities on the configured task queue.
func NewWorker(c client.Client, taskQueue string, acts *activities.Activities) worker.Worker {
	w := worker.New(c, taskQueue, worker.Options{
		Interceptors: []interceptor.WorkerInterceptor{&activities.ScrubInterceptor{}},
	})
	RegisterWorkflows(w)
	w.RegisterActivity(acts)
	return w
}

// RegisterWorkflows registers the workflows on any registry (a worker, a replayer, a test env).
func RegisterWorkflows(r interface {
	RegisterWorkflow(w interface{})
}) {
	r.RegisterWorkflow(workflows.CustomerRefresh)
	r.RegisterWorkflow(workflows.SourceSync)
	r.RegisterWorkflow(workflows.Campaign)
	r.RegisterWorkflow(workflows.Preview)
	r.RegisterWorkflow(workflows.Erasure)
}
