package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
)

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestCommands_UsageErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx := context.Background()
	cases := []struct {
		cmd  string
		args []string
		code int
		msg  string
	}{
		{"sync", nil, 2, "exactly one source"},
		{"sync", []string{"nope"}, 2, `unknown source "nope"`},
		{"campaign", []string{"nope"}, 2, `unknown campaign "nope"`},
		{"report", nil, 2, "exactly one workflow id"},
		{"export", []string{"profiles"}, 2, "quarantine, deliveries, erasures or subject"},
		{"export", []string{"subject"}, 2, "--email, --phone or --profile"},
		{"erase", nil, 2, "--email, --phone or --profile"},
		{"erase", []string{"--email", "not-an-address"}, 2, "--email is not an email address"},
		{"erase", []string{"--phone", "0415 692 0132"}, 2, "E.164"},
		{"export", []string{"quarantine", "--format", "xml"}, 2, "csv or jsonl"},
		{"resolve", []string{"--input", "x.csv"}, 2, "are required"},
		{"resolve", []string{"--input", "x.csv", "--link-only", "--mapping", "m.yaml", "--output", "-"}, 2, "give --input at least twice"},
		{"unmerge", []string{"p_1", "--record", "no-slash"}, 2, "source/id"},
		{"refresh", []string{"--bogus"}, 2, "unknown flag"},
		{"refresh", []string{"--help"}, 0, ""},
		{"sync", []string{"shop", "--config", "missing.yaml"}, 2, "missing.yaml"},
		{"check", []string{"--dev", "--source", "nope"}, 2, "not a configured source"},
		{"ledger", []string{"--dev"}, 2, "settle"},
	}
	for _, c := range cases {
		t.Run(c.cmd+" "+c.msg, func(t *testing.T) {
			err := commands[c.cmd].run(ctx, c.args)
			assert.Equal(t, c.code, exitCode(err), "%v", err)
			if c.msg != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.msg)
			}
		})
	}
}

// starter check passes on the built-in sandbox setup and fails (exit 1) on a connector whose
// configuration the vendor contradicts.
func TestCheck(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx := context.Background()
	require.NoError(t, commands["check"].run(ctx, []string{"--dev", "--json"}))
	bad := "sources:\n  - {name: web, type: ga4, base_url: sandbox, property_id: '123456', customer_dimension: 'customUser:nope'}\n"
	require.NoError(t, os.WriteFile("bad.yaml", []byte(bad), 0o600))
	err := commands["check"].run(ctx, []string{"--config", "bad.yaml"})
	assert.Equal(t, 1, exitCode(err), "%v", err)
	assert.ErrorContains(t, err, "1 of 1 connection checks failed")
}

func TestCommands_EveryCommandHasUsageWithExamples(t *testing.T) {
	for name, c := range commands {
		assert.NotEmpty(t, c.summary, name)
		assert.Contains(t, c.usage, "Usage: starter "+name, name)
		assert.Contains(t, c.usage, "Example", name)
	}
}

func TestParseRecordKey(t *testing.T) {
	k, err := parseRecordKey("shop/gid/42")
	require.NoError(t, err)
	assert.Equal(t, record.RecordKey{Source: "shop", ID: "gid/42"}, k)
	for _, bad := range []string{"", "shop", "/42", "shop/"} {
		_, err := parseRecordKey(bad)
		assert.Error(t, err, bad)
	}
}

func TestRemoveLocalState(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cdpflow.db")
	for _, p := range []string{db, db + "-wal", filepath.Join(dir, "temporal.db"), filepath.Join(dir, "keep.txt")} {
		require.NoError(t, os.WriteFile(p, []byte("x"), 0o644))
	}
	require.NoError(t, removeLocalState("file:"+db+"?_pragma=x", filepath.Join(dir, "temporal.db")))
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	assert.Equal(t, []string{filepath.Join(dir, "keep.txt")}, left)
}

// starter resolve links two files one-to-one: the output names each record's file.
func TestResolve_TwoFilesLinkOnly(t *testing.T) {
	t.Chdir(t.TempDir())
	write := func(name, body string) { require.NoError(t, os.WriteFile(name, []byte(body), 0o600)) }
	write("m.yaml", "id: id\nfields:\n  first_name: first\n  last_name: last\n  email: email\n")
	write("crm.csv", "id,first,last,email\n1,Ann,Lee,ann@mailbox.org\n2,Bob,Ray,bob@mailbox.org\n")
	write("pos.csv", "id,first,last,email\n1,Ann,Lee,ann@mailbox.org\n2,Ann,Lee,ann@mailbox.org\n")
	require.NoError(t, commands["resolve"].run(context.Background(), []string{"--input", "crm.csv", "--input", "pos.csv", "--link-only", "--mapping", "m.yaml", "--output", "out.csv"}))
	out, err := os.ReadFile("out.csv")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 5)
	assert.Equal(t, "source,record_id,profile_id", lines[0])
	profile := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		profile[f[0]+"/"+f[1]] = f[2]
	}
	// The shared email links crm/1 to one of the two pos rows only; pos rows never share a profile.
	assert.NotEqual(t, profile["pos/1"], profile["pos/2"])
	assert.True(t, profile["crm/1"] == profile["pos/1"] || profile["crm/1"] == profile["pos/2"])
	assert.NotEqual(t, profile["crm/1"], profile["crm/2"])
}

func TestResolve_Report(t *testing.T) {
	t.Chdir(t.TempDir())
	var rows strings.Builder
	rows.WriteString("id,first,last,dob,postcode\n")
	for i := range 300 {
		first, last := fmt.Sprintf("f%03dname", i), fmt.Sprintf("l%03dname", i)
		fmt.Fprintf(&rows, "a%d,%s,%s,19%02d-0%d-1%d,%d\n", i, first, last, 40+i%50, 1+i%9, i%10, 2000+i)
		fmt.Fprintf(&rows, "b%d,%s,%s,19%02d-0%d-1%d,%d\n", i, last, first, 40+i%50, 1+i%9, i%10, 2000+i) // names swapped
	}
	require.NoError(t, os.WriteFile("people.csv", []byte(rows.String()), 0o600))
	require.NoError(t, os.WriteFile("m.yaml", []byte("id: id\nfields:\n  first_name: first\n  last_name: last\n  birth_date: dob\n  address.postcode: postcode\n"), 0o600))
	args := []string{"--input", "people.csv", "--mapping", "m.yaml", "--output", "out.csv", "--report", "model.html"}
	require.NoError(t, commands["resolve"].run(context.Background(), args))
	page, err := os.ReadFile("model.html")
	require.NoError(t, err)
	for _, want := range []string{"Identity model report", `<dd id="threshold">`, "chosen from the model", "<h3>name_order ", `<table id="thresholds">`} {
		assert.Contains(t, string(page), want)
	}

	require.NoError(t, os.Remove("out.csv"))
	err = commands["resolve"].run(context.Background(), args)
	assert.ErrorContains(t, err, "--report model.html already exists", "nothing is overwritten without --force")
	_, statErr := os.Stat("out.csv")
	assert.True(t, os.IsNotExist(statErr), "the report path is checked before anything is resolved or written")
	err = commands["resolve"].run(context.Background(), []string{"--input", "people.csv", "--mapping", "m.yaml", "--output", "x.csv", "--report", "x.csv"})
	assert.ErrorContains(t, err, "--report and --output name the same file")
	require.NoError(t, commands["resolve"].run(context.Background(), append(args, "--force")))
}
