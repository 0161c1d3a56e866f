// Package workflows holds the Temporal workflows: CustomerRefresh (all sources to all destinations),
// SourceSync (one source: extract, cleanse, resolve) and Campaign (segments to chosen destinations).
//
// This file holds the names worker and starter share: task queue, workflow id formats, search
// attributes and the progress query.
package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
)

// DefaultTaskQueue is the task queue when temporal.task_queue is not set.
const DefaultTaskQueue = "cdpflow"

// ProgressQuery returns the live run summary and current stage.
const ProgressQuery = "progress"

// Search attributes set on every run, so operators can filter runs in Temporal UI
// (e.g. `CdpflowKind = "campaign" and CdpflowCampaign = "spring-winback"`).
var (
	AttrKind     = temporal.NewSearchAttributeKeyKeyword("CdpflowKind")
	AttrTrigger  = temporal.NewSearchAttributeKeyKeyword("CdpflowTrigger")
	AttrCampaign = temporal.NewSearchAttributeKeyKeyword("CdpflowCampaign")
	AttrSources  = temporal.NewSearchAttributeKeyKeywordList("CdpflowSources")
	AttrStatus   = temporal.NewSearchAttributeKeyKeyword("CdpflowStatus")
	// AttrDeadline is when an erasure must be done by law (30 days after the request).
	AttrDeadline = temporal.NewSearchAttributeKeyTime("CdpflowDeadline")
)

// SearchAttributes lists the attributes to register (name -> type), for the dev server and
// `temporal operator search-attribute create`.
func SearchAttributes() map[string]string {
	return map[string]string{
		AttrKind.GetName(): "Keyword", AttrTrigger.GetName(): "Keyword", AttrCampaign.GetName(): "Keyword",
		AttrSources.GetName(): "KeywordList", AttrStatus.GetName(): "Keyword", AttrDeadline.GetName(): "Datetime",
	}
}

// RefreshID is the workflow id of a refresh started at t: one per second, so a repeated
// "refresh now" within the same second is deduplicated by Temporal.
func RefreshID(t time.Time) string { return "refresh-" + t.UTC().Format("2006-01-02T15:04:05Z") }

// SyncID is the workflow id of a one-source sync.
func SyncID(source string, t time.Time) string {
	return fmt.Sprintf("sync-%s-%s", source, t.UTC().Format("2006-01-02T15:04:05Z"))
}

// ErasureID is the workflow id (and request id) of an erasure requested at t; suffix keeps two
// requests of one second apart.
func ErasureID(t time.Time, suffix string) string {
	return fmt.Sprintf("erasure-%s-%s", t.UTC().Format("2006-01-02T15:04:05Z"), suffix)
}

// CampaignID is the workflow id of a campaign run.
func CampaignID(campaign string, t time.Time) string {
	return fmt.Sprintf("campaign-%s-%s", campaign, t.UTC().Format("2006-01-02T15:04:05Z"))
}

// StartAttributes are the search attributes a run starts with (none when they are not registered).
func StartAttributes(ready bool, kind, trigger, campaign string, sources []string) temporal.SearchAttributes {
	if !ready {
		return temporal.SearchAttributes{}
	}
	u := []temporal.SearchAttributeUpdate{AttrKind.ValueSet(kind), AttrTrigger.ValueSet(trigger)}
	if campaign != "" {
		u = append(u, AttrCampaign.ValueSet(campaign))
	}
	if len(sources) > 0 {
		u = append(u, AttrSources.ValueSet(sources))
	}
	return temporal.NewSearchAttributes(u...)
}
