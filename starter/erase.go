// This file holds `starter erase`: a data subject's erasure request (GDPR Art. 17, CCPA delete).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/subject"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

func init() {
	register("erase", command{
		summary: "erase a person everywhere (right to erasure), with receipts",
		usage: `Usage: starter erase --email E | --phone P | --profile ID [--reason TEXT] [--wait] [--json]

Erases one person from every destination (Mailchimp: permanent delete; Mandrill: the address is
denylisted; Meta and Google Ads: removed) and from the store (records, staging, quarantine,
profiles, segments, ledger), keeping only keyed hashes of the identifiers so that a later import of
the same person is suppressed and reported. The request is stored and runs as an Erasure workflow
(its id is the request id); the person's identifiers never travel through Temporal and are
cleared from the request once it is done. The legal deadline (30 days) is the workflow's
CdpflowDeadline search attribute. A person the engine does not hold ends "nothing held", with
receipts. See the receipts later with ` + "`starter export erasures`" + `.

Examples:
  starter erase --email jane@example.com --reason "GDPR Art. 17 request #4711" --wait
  starter erase --profile p_3f9a1c2b7d --wait --json`,
		run: runErase,
	})
}

func runErase(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("erase", &c)
	var subj store.ErasureSubject
	fs.StringVar(&subj.Email, "email", "", "the person's email address")
	fs.StringVar(&subj.Phone, "phone", "", "the person's phone, E.164 (+14155550123)")
	fs.StringVar(&subj.Profile, "profile", "", "the person's profile id")
	reason := fs.String("reason", "erasure request", "why (kept with the receipts; no personal data)")
	wait := fs.Bool("wait", false, "wait for the erasure and print its receipts")
	asJSON := fs.Bool("json", false, "print the result as one JSON object on stdout")
	if err := parse(fs, "erase", args); err != nil {
		return err
	}
	if err := subject.Validate(subj); err != nil {
		return usageError("%v (see starter erase --help)", err)
	}
	st, cfg, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := privacy.LoadHasher(ctx, st)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	e := store.Erasure{ID: workflows.ErasureID(now, hex.EncodeToString(suffix)), Reason: *reason, Status: store.ErasurePending,
		RequestedAt: now, Deadline: now.Add(workflows.ErasureDeadline), Subject: &subj, Keys: h.Keys(subj.Email, subj.Phone)}
	if err := st.CreateErasure(ctx, e); err != nil {
		return err
	}
	log := engine.NewLogger(cfg.Log)
	cl, err := engine.Dial(cfg, log)
	if err != nil {
		return fmt.Errorf("%w (the request %s is stored; run the command again once Temporal is up)", err, e.ID)
	}
	defer cl.Close()
	ready := searchAttributesReady(ctx, cl, cfg.Temporal.Namespace)
	var attrs temporal.SearchAttributes
	if ready {
		attrs = temporal.NewSearchAttributes(workflows.AttrKind.ValueSet("erasure"), workflows.AttrTrigger.ValueSet("cli"),
			workflows.AttrDeadline.ValueSet(e.Deadline))
	}
	run, err := cl.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: e.ID, TaskQueue: cfg.Temporal.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING, StaticSummary: "erasure: " + *reason,
		TypedSearchAttributes: attrs}, workflows.Erasure, workflows.ErasureInput{Request: e.ID, Trigger: "cli", SearchAttributes: ready})
	if err != nil {
		return fmt.Errorf("start erasure %s: %w", e.ID, err)
	}
	if !*wait {
		fmt.Fprintf(os.Stdout, "erasure %s started (deadline %s): %s\n", e.ID, e.Deadline.Format(time.DateOnly), uiURL(cfg, e.ID))
		return nil
	}
	var res summary.Erasure
	err = run.Get(ctx, &res)
	var ae *temporal.ApplicationError
	if err != nil && errors.As(err, &ae) && ae.HasDetails() {
		_ = ae.Details(&res)
	} else if err != nil {
		return fmt.Errorf("erasure %s: %w", e.ID, err)
	}
	if *asJSON {
		if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
			return err
		}
	} else {
		printErasure(res)
	}
	if res.Status != store.ErasureDone {
		return &exitError{code: 1, err: fmt.Errorf("erasure %s did not finish: %s", e.ID, res.Error)}
	}
	return nil
}

func printErasure(res summary.Erasure) {
	held := fmt.Sprintf("%d records, %d profiles", res.Records, res.Profiles)
	if res.NothingHeld {
		held = "nothing held"
	}
	fmt.Fprintf(os.Stdout, "erasure %s: %s (%s), deadline %s\n", res.ID, strings.ToUpper(res.Status), held, res.Deadline.Format(time.DateOnly))
	for _, r := range res.Receipts {
		fmt.Fprintf(os.Stdout, "  %-32s %-14s %-36s %d\n", r.Target, r.Status, r.Action, r.Count)
	}
}
