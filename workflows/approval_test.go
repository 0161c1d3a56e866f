package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/approval"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/summary"
)

// approvalSuite runs a refresh whose "mail" destination would remove 30 of its 100 members.
type approvalSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	// pushes records each Push call's destination and add-only flag, in order.
	pushes []string
}

func TestApproval(t *testing.T) { suite.Run(t, new(approvalSuite)) }

func (s *approvalSuite) SetupTest() {
	s.pushes = nil
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(&activities.Activities{})
	s.env.OnActivity(a.StartRun, mock.Anything, mock.Anything).Return(nil)
	s.env.OnActivity(a.FinishRun, mock.Anything, mock.Anything).Return(nil)
	s.env.OnActivity(a.Plan, mock.Anything, mock.Anything).Return(&activities.PlanResult{
		Sources: []string{"crm"}, Destinations: []string{"mail", "ads"}}, nil)
	s.env.OnActivity(a.Preflight, mock.Anything, mock.Anything).Return(&activities.PreflightResult{}, nil)
	s.env.OnActivity(a.Extract, mock.Anything, mock.Anything).Return(&activities.ExtractResult{Source: "crm", Extracted: 1,
		ByKind: map[string]int{"customers": 1}, Watermarks: []activities.WatermarkUpdate{{Source: "crm", Kind: record.KindCustomer}}}, nil)
	s.env.OnActivity(a.CommitWatermarks, mock.Anything, mock.Anything).Return(nil)
	s.env.OnActivity(a.Cleanse, mock.Anything, mock.Anything).Return(&activities.CleanseResult{}, nil)
	s.env.OnActivity(a.Resolve, mock.Anything, mock.Anything).Return(&activities.ResolveResult{}, nil)
	s.env.OnActivity(a.Segment, mock.Anything, mock.Anything).Return(&activities.SegmentResult{}, nil)
	s.env.OnActivity(a.PreviewPush, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.PushInput) (*activities.PreviewResult, error) {
			if in.Destination != "mail" {
				return &activities.PreviewResult{Preview: summary.Preview{Destination: in.Destination, Current: 10, Removes: 1}}, nil
			}
			return &activities.PreviewResult{Preview: summary.Preview{Destination: "mail", Current: 100, Adds: 5, Removes: 30,
				Samples: map[string][]string{"removes": {"p1", "p2"}}, NeedsApproval: true, Reason: "would remove 30 of 100 members (30%)"},
				ApprovalTimeout: 24 * time.Hour}, nil
		})
	s.env.OnActivity(a.Push, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.PushInput) (*activities.PushResult, error) {
			tag := in.Destination
			if in.AddOnly {
				tag += "+adds"
			}
			s.pushes = append(s.pushes, tag)
			if in.AddOnly {
				return &activities.PushResult{Added: 5}, nil
			}
			return &activities.PushResult{Added: 5, Removed: 30}, nil
		})
}

func (s *approvalSuite) run() summary.Run {
	s.env.ExecuteWorkflow(CustomerRefresh, RefreshInput{})
	s.True(s.env.IsWorkflowCompleted())
	s.NoError(s.env.GetWorkflowError())
	var sum summary.Run
	s.NoError(s.env.GetWorkflowResult(&sum))
	return sum
}

func (s *approvalSuite) decide(after time.Duration, d approval.Decision) {
	s.env.RegisterDelayedCallback(func() {
		v, err := s.env.QueryWorkflow(ProgressQuery)
		s.Require().NoError(err)
		var p Progress
		s.Require().NoError(v.Get(&p))
		s.Require().Len(p.Approvals, 1, "the held destination shows in the progress query")
		s.Equal("mail", p.Approvals[0].Destination)
		s.Equal(30, p.Approvals[0].Removes)
		s.Equal([]string{"p1", "p2"}, p.Approvals[0].Sample)
		s.env.SignalWorkflow(ApprovalSignal, d)
	}, after)
}

func (s *approvalSuite) TestApproveRemoves() {
	s.decide(time.Hour, approval.Decision{Destination: "mail", Approve: true, By: "marketing"})
	sum := s.run()
	s.Equal(summary.StatusCompleted, sum.Status)
	s.ElementsMatch([]string{"mail+adds", "mail", "ads"}, s.pushes)
	s.Less(indexOf(s.pushes, "mail+adds"), indexOf(s.pushes, "mail"), "adds go out before the decision")
	d := sum.Destinations["mail"]
	s.Equal(30, d.Removed)
	s.Require().NotNil(d.Approval)
	s.Equal(approval.Approved, d.Approval.Status)
	s.Equal("marketing", d.Approval.By)
	s.Nil(sum.Destinations["ads"].Approval, "a small removal is not held")
}

func (s *approvalSuite) TestRejectRemovesNobody() {
	s.decide(time.Hour, approval.Decision{Destination: "mail", Approve: false, By: "marketing"})
	sum := s.run()
	s.ElementsMatch([]string{"mail+adds", "ads"}, s.pushes, "no full sync after a rejection")
	d := sum.Destinations["mail"]
	s.Zero(d.Removed)
	s.Equal(5, d.Added, "adds are not held")
	s.Require().NotNil(d.Approval)
	s.Equal(approval.Rejected, d.Approval.Status)
	s.Equal(30, d.Approval.Removes)
	s.Contains(sum.Warnings, "mail: removals rejected by marketing: 30 members not removed")
}

func (s *approvalSuite) TestNoDecisionInTimeRemovesNobody() {
	sum := s.run()
	s.ElementsMatch([]string{"mail+adds", "ads"}, s.pushes)
	d := sum.Destinations["mail"]
	s.Require().NotNil(d.Approval)
	s.Equal(approval.TimedOut, d.Approval.Status)
	s.Zero(d.Removed)
	s.GreaterOrEqual(sum.FinishedAt.Sub(sum.StartedAt), 24*time.Hour, "the run waited the whole timeout")
	s.Contains(sum.Warnings, "mail: removals timed out waiting for approval: 30 members not removed")
}

func (s *approvalSuite) TestSignalForAnotherDestinationIsIgnored() {
	s.env.RegisterDelayedCallback(func() {
		s.env.SignalWorkflow(ApprovalSignal, approval.Decision{Destination: "ads", Approve: true})
	}, time.Minute)
	s.decide(time.Hour, approval.Decision{Destination: "mail", Approve: true})
	sum := s.run()
	s.Equal(approval.Approved, sum.Destinations["mail"].Approval.Status)
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
