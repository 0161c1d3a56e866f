package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/summary"
)

type refreshSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
}

func TestCustomerRefresh(t *testing.T) { suite.Run(t, new(refreshSuite)) }

func (s *refreshSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(&activities.Activities{})
	s.env.OnActivity(a.StartRun, mock.Anything, mock.Anything).Return(nil)
	s.env.OnActivity(a.FinishRun, mock.Anything, mock.Anything).Return(nil)
	s.env.OnActivity(a.Plan, mock.Anything, mock.Anything).Return(&activities.PlanResult{
		Sources: []string{"crm", "shop"}, Destinations: []string{"mail", "ads"}}, nil)
	s.env.OnActivity(a.CommitWatermarks, mock.Anything, mock.Anything).Return(nil)
	s.env.OnActivity(a.Preflight, mock.Anything, mock.Anything).Return(&activities.PreflightResult{
		Warnings: map[string][]string{"shop": {"orders_limited_to_60_days: the token lacks read_all_orders"}}}, nil).Maybe()
	s.env.OnActivity(a.Cleanse, mock.Anything, mock.Anything).Return(&activities.CleanseResult{Accepted: 9, Quarantined: 1,
		Reasons: map[string]int{"no_identifier": 1}}, nil)
	s.env.OnActivity(a.Resolve, mock.Anything, mock.Anything).Return(&activities.ResolveResult{Records: 9, Profiles: 6}, nil)
	s.env.OnActivity(a.Segment, mock.Anything, mock.Anything).Return(&activities.SegmentResult{
		Segments: map[string]summary.Segment{"rfm.champions": {Members: 2, Added: 2}}}, nil)
	s.env.OnActivity(a.PreviewPush, mock.Anything, mock.Anything).Return(&activities.PreviewResult{}, nil).Maybe()
}

func (s *refreshSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func extracted(src string, n int) *activities.ExtractResult {
	return &activities.ExtractResult{Source: src, Extracted: n, ByKind: map[string]int{"customers": n}, Pages: 1, Mode: "full",
		Watermarks: []activities.WatermarkUpdate{{Source: src, Kind: record.KindCustomer, Value: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}}}
}

func (s *refreshSuite) onExtract(src string, res *activities.ExtractResult, err error) {
	s.env.OnActivity(a.Extract, mock.Anything, mock.MatchedBy(func(in activities.ExtractInput) bool { return in.Source == src })).Return(res, err).Once()
}

func (s *refreshSuite) onPush(dest string, res *activities.PushResult, err error) {
	s.env.OnActivity(a.Push, mock.Anything, mock.MatchedBy(func(in activities.PushInput) bool { return in.Destination == dest })).Return(res, err)
}

func (s *refreshSuite) TestEveryStageReportsIntoTheSummary() {
	s.onExtract("crm", extracted("crm", 5), nil)
	s.onExtract("shop", extracted("shop", 5), nil)
	s.onPush("mail", &activities.PushResult{Added: 2}, nil)
	s.onPush("ads", &activities.PushResult{Added: 1}, nil)
	s.env.ExecuteWorkflow(CustomerRefresh, RefreshInput{})
	s.True(s.env.IsWorkflowCompleted())
	s.NoError(s.env.GetWorkflowError())
	var sum summary.Run
	s.NoError(s.env.GetWorkflowResult(&sum))
	s.Equal(summary.StatusCompleted, sum.Status)
	s.Equal(5, sum.Sources["crm"].Extracted)
	s.Equal("2026-11-01T00:00:00Z", sum.Sources["shop"].Watermark)
	s.Equal(9, sum.Cleanse.Accepted)
	s.Equal(6, sum.Identity.Profiles)
	s.Equal(2, sum.Segments["rfm.champions"].Members)
	s.Equal(2, sum.Destinations["mail"].Added)
	s.Equal(1, sum.Destinations["ads"].Added)
	s.Equal([]string{"shop: orders_limited_to_60_days: the token lacks read_all_orders"}, sum.Warnings, "pre-flight warnings reach the summary")
	s.Equal([]string{"orders_limited_to_60_days: the token lacks read_all_orders"}, sum.Sources["shop"].Warnings)
}

// planned is a test environment whose run plans the given sources and destinations, with the
// bookkeeping activities mocked; the test mocks the rest.
func planned(sources, destinations []string) *testsuite.TestWorkflowEnvironment {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.OnActivity(a.StartRun, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(a.FinishRun, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(a.Plan, mock.Anything, mock.Anything).Return(&activities.PlanResult{Sources: sources, Destinations: destinations}, nil)
	env.OnActivity(a.PreviewPush, mock.Anything, mock.Anything).Return(&activities.PreviewResult{}, nil).Maybe()
	return env
}

func TestAFailedPreflightStopsTheRunBeforeExtraction(t *testing.T) {
	env := planned([]string{"crm"}, []string{"mail"})
	env.OnActivity(a.Preflight, mock.Anything, mock.Anything).Return(nil,
		temporal.NewNonRetryableApplicationError("preflight: source crm: authenticate: HTTP 401 EXPIRED_AUTHENTICATION", activities.ErrTypeVendorRejected, nil)).Once()
	env.ExecuteWorkflow(CustomerRefresh, RefreshInput{})
	require.True(t, env.IsWorkflowCompleted())
	err := env.GetWorkflowError()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "EXPIRED_AUTHENTICATION", "the vendor's words")
	env.AssertExpectations(t) // no Extract or Push was mocked: none ran
}

func (s *refreshSuite) TestAFailedSourceIsReportedAndTheOthersContinue() {
	s.onExtract("crm", nil, temporal.NewNonRetryableApplicationError("crm: HTTP 401 (check the token in $CRM_TOKEN)", activities.ErrTypeVendorRejected, nil))
	s.onExtract("shop", extracted("shop", 5), nil)
	s.env.OnActivity(a.Cleanse, mock.Anything, activities.CleanseInput{Run: "default-test-workflow-id", Sources: []string{"shop"}}).
		Return(&activities.CleanseResult{Accepted: 5}, nil)
	s.onPush("mail", &activities.PushResult{Added: 2}, nil)
	s.onPush("ads", &activities.PushResult{Added: 1}, nil)
	s.env.ExecuteWorkflow(CustomerRefresh, RefreshInput{})
	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	var ae *temporal.ApplicationError
	s.Require().True(errors.As(err, &ae))
	s.Equal("RunFailed", ae.Type())
	var sum summary.Run
	s.Require().NoError(ae.Details(&sum))
	s.Equal(summary.StatusFailed, sum.Status)
	s.Contains(sum.Sources["crm"].Error, "CRM_TOKEN")
	s.Equal(5, sum.Sources["shop"].Extracted)
	s.Equal(2, sum.Destinations["mail"].Added, "destinations still run on the data that arrived")
}

func (s *refreshSuite) TestQuotaExhaustionSleepsDurablyAndResumesFromTheCheckpoint() {
	resumeAt := s.env.Now().Add(45 * time.Minute)
	cp := activities.Checkpoint{Pages: 3, Cursor: "offset-30000"}
	quota := temporal.NewNonRetryableApplicationError("web: quota exhausted", activities.ErrTypeQuotaExhausted, nil,
		activities.QuotaWait{ResumeAt: resumeAt, Checkpoint: cp})
	s.onExtract("crm", nil, quota)
	s.env.OnActivity(a.Extract, mock.Anything, mock.MatchedBy(func(in activities.ExtractInput) bool {
		return in.Source == "crm" && in.Resume != nil && in.Resume.Cursor == "offset-30000"
	})).Return(extracted("crm", 7), nil).Once()
	s.onExtract("shop", extracted("shop", 5), nil)
	s.onPush("mail", &activities.PushResult{}, nil)
	s.onPush("ads", &activities.PushResult{}, nil)
	start := s.env.Now()
	s.env.ExecuteWorkflow(CustomerRefresh, RefreshInput{})
	s.NoError(s.env.GetWorkflowError())
	s.GreaterOrEqual(s.env.Now().Sub(start), 45*time.Minute, "the workflow slept on a timer until the quota reset")
	var sum summary.Run
	s.NoError(s.env.GetWorkflowResult(&sum))
	s.Equal(7, sum.Sources["crm"].Extracted)
}

func (s *refreshSuite) TestOneDestinationFailingDoesNotStopTheOthers() {
	s.onExtract("crm", extracted("crm", 5), nil)
	s.onExtract("shop", extracted("shop", 5), nil)
	s.onPush("mail", nil, temporal.NewNonRetryableApplicationError("mail: HTTP 401", activities.ErrTypeVendorRejected, nil))
	s.onPush("ads", &activities.PushResult{Added: 4}, nil)
	s.env.ExecuteWorkflow(CustomerRefresh, RefreshInput{})
	var ae *temporal.ApplicationError
	s.Require().True(errors.As(s.env.GetWorkflowError(), &ae))
	var sum summary.Run
	s.Require().NoError(ae.Details(&sum))
	s.Equal(4, sum.Destinations["ads"].Added)
	s.Contains(sum.Destinations["mail"].Error, "401")
}

func TestCampaign_AddsOnlyTheCampaignSegments(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.OnActivity(a.StartRun, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(a.FinishRun, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(a.Plan, mock.Anything, mock.Anything).Return(&activities.PlanResult{Segments: []string{"at_risk"}, Destinations: []string{"winback"}}, nil)
	env.OnActivity(a.Preflight, mock.Anything, mock.Anything).Return(&activities.PreflightResult{}, nil)
	env.OnActivity(a.Segment, mock.Anything, mock.Anything).Return(&activities.SegmentResult{}, nil)
	env.OnActivity(a.Push, mock.Anything, activities.PushInput{Run: "default-test-workflow-id", Destination: "winback", Segments: []string{"at_risk"}, AddOnly: true}).
		Return(&activities.PushResult{Added: 3}, nil).Once()
	env.ExecuteWorkflow(Campaign, CampaignInput{Campaign: "spring"})
	require.NoError(t, env.GetWorkflowError())
	var sum summary.Run
	require.NoError(t, env.GetWorkflowResult(&sum))
	require.Equal(t, "spring", sum.Campaign)
	require.Equal(t, 3, sum.Destinations["winback"].Added)
	env.AssertExpectations(t)
}

// An unreachable destination (its pre-flight never got an answer) is skipped and reported failed
// within the pre-flight's bound; every other destination and source goes on.
func TestAnUnreachableDestinationIsSkippedAndTheOthersComplete(t *testing.T) {
	env := planned([]string{"crm"}, []string{"mail", "ads"})
	env.OnActivity(a.CommitWatermarks, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(a.Preflight, mock.Anything, mock.Anything).Return(&activities.PreflightResult{
		Unreachable: map[string]string{"ads": "destination ads: authenticate: ads: POST /v1/audienceMembers:ingest: connection refused"}}, nil).Once()
	env.OnActivity(a.Extract, mock.Anything, mock.Anything).Return(extracted("crm", 3), nil).Once()
	env.OnActivity(a.Cleanse, mock.Anything, mock.Anything).Return(&activities.CleanseResult{Accepted: 3}, nil)
	env.OnActivity(a.Resolve, mock.Anything, mock.Anything).Return(&activities.ResolveResult{Records: 3, Profiles: 3}, nil)
	env.OnActivity(a.Segment, mock.Anything, mock.Anything).Return(&activities.SegmentResult{}, nil)
	env.OnActivity(a.Push, mock.Anything, mock.MatchedBy(func(in activities.PushInput) bool { return in.Destination == "mail" })).
		Return(&activities.PushResult{Added: 2}, nil).Once()
	env.ExecuteWorkflow(CustomerRefresh, RefreshInput{})
	require.True(t, env.IsWorkflowCompleted())
	var ae *temporal.ApplicationError
	require.True(t, errors.As(env.GetWorkflowError(), &ae))
	var sum summary.Run
	require.NoError(t, ae.Details(&sum))
	assert.Equal(t, summary.StatusFailed, sum.Status)
	assert.Equal(t, 2, sum.Destinations["mail"].Added, "the reachable destination completed")
	assert.Contains(t, sum.Destinations["ads"].Error, "connection refused")
	assert.Equal(t, 3, sum.Sources["crm"].Extracted)
	env.AssertExpectations(t) // no Push for ads was mocked: none ran
}

// A full refresh of a large source fans its cleanse out: one CleansePart per planned part (all
// at once), then the Cleanse that finishes the source gets what every part did. An incremental
// refresh does not plan.
func TestFullRefreshCleansesLargeSourcesInParts(t *testing.T) {
	for _, full := range []bool{true, false} {
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestWorkflowEnvironment()
		env.RegisterActivity(&activities.Activities{})
		env.OnActivity(a.StartRun, mock.Anything, mock.Anything).Return(nil)
		env.OnActivity(a.FinishRun, mock.Anything, mock.Anything).Return(nil)
		env.OnActivity(a.Plan, mock.Anything, mock.Anything).Return(&activities.PlanResult{Sources: []string{"crm", "shop"}}, nil)
		env.OnActivity(a.Preflight, mock.Anything, mock.Anything).Return(&activities.PreflightResult{}, nil)
		env.OnActivity(a.Extract, mock.Anything, mock.Anything).Return(extracted("crm", 5), nil)
		env.OnActivity(a.CommitWatermarks, mock.Anything, mock.Anything).Return(nil)
		env.OnActivity(a.Resolve, mock.Anything, mock.Anything).Return(&activities.ResolveResult{}, nil)
		env.OnActivity(a.Segment, mock.Anything, mock.Anything).Return(&activities.SegmentResult{}, nil)
		if full {
			env.OnActivity(a.PlanCleanse, mock.Anything, activities.CleansePlanInput{Run: "default-test-workflow-id", Sources: []string{"crm", "shop"}, Full: true}).
				Return(&activities.CleansePlan{Parts: map[string]int{"shop": 3}}, nil).Once()
			for part := range 3 {
				env.OnActivity(a.CleansePart, mock.Anything, activities.CleansePartInput{Run: "default-test-workflow-id", Source: "shop", Part: part, Parts: 3, Full: true}).
					Return(&activities.CleansePartResult{Changed: 10 + part}, nil).Once()
			}
		}
		var got activities.CleanseInput
		env.OnActivity(a.Cleanse, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.CleanseInput) (*activities.CleanseResult, error) {
			got = in
			return &activities.CleanseResult{Changed: 33}, nil
		}).Once()
		env.ExecuteWorkflow(CustomerRefresh, RefreshInput{Full: full})
		require.NoError(t, env.GetWorkflowError())
		env.AssertExpectations(t)
		require.Equal(t, full, got.Full)
		if full {
			require.Equal(t, map[string][]activities.CleansePartResult{"shop": {{Changed: 10}, {Changed: 11}, {Changed: 12}}}, got.Parts,
				"the finishing Cleanse gets every part's result in order; crm (not planned) is cleansed whole")
		} else {
			require.Nil(t, got.Parts)
		}
	}
}
