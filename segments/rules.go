// rules.go holds user-defined segment rules: compiling expr-lang expressions against the
// typed Facts environment, the errors that name the segment and list the available fields,
// and the field catalogue itself.

package segments

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/redact"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Rule is a compiled user segment rule: an expr-lang boolean expression over Facts.
type Rule struct {
	Name    string // segment name
	Source  string // the rule as written
	program *vm.Program
}

// RuleError reports a rule that does not compile or fails on a profile. Its message names
// the segment, shows the rule, and for compile errors lists the fields rules may use.
type RuleError struct {
	Index   int    // position in the definitions given to New, -1 otherwise
	Segment string // segment name, "" from ValidateRule
	Rule    string
	Profile string // profile id for evaluation errors, "" for compile errors
	// Budget marks a rule refused for its cost (at compile time or over the run budget).
	Budget bool
	Err    error
}

func (e *RuleError) Error() string {
	var b strings.Builder
	if e.Index >= 0 {
		fmt.Fprintf(&b, "segments[%d].rule: ", e.Index)
	}
	if e.Segment != "" {
		fmt.Fprintf(&b, "segment %q: ", e.Segment)
	}
	if e.Profile != "" {
		fmt.Fprintf(&b, "rule %q failed on profile %q: %v", e.Rule, e.Profile, e.Err)
		return b.String()
	}
	if e.Budget {
		fmt.Fprintf(&b, "rule %q: %v", e.Rule, e.Err)
		return b.String()
	}
	fmt.Fprintf(&b, "invalid rule %q: %v\navailable fields: %s", e.Rule, e.Err, fieldList())
	return b.String()
}

func (e *RuleError) Unwrap() error { return e.Err }

var errEmptyRule = errors.New("rule is empty")

// exprOptions are the compile options every rule uses: the typed environment (so unknown
// names fail at start-up), a boolean result, and no wall clock — `now` is the evaluation
// time from the environment, and date() parses in UTC, so results are reproducible.
func exprOptions() []expr.Option {
	return []expr.Option{
		expr.Env(Facts{}),
		expr.AsBool(),
		expr.DisableBuiltin("now"),
		expr.Timezone("UTC"),
	}
}

// Compile compiles one segment's rule. Syntax errors, unknown fields and non-boolean
// results are reported as a *RuleError naming the segment.
func Compile(name, rule string) (*Rule, error) {
	if strings.TrimSpace(rule) == "" {
		return nil, &RuleError{Index: -1, Segment: name, Rule: rule, Err: errEmptyRule}
	}
	program, err := expr.Compile(rule, exprOptions()...)
	if err != nil {
		return nil, &RuleError{Index: -1, Segment: name, Rule: rule, Err: err}
	}
	if err := checkRule(program.Node()); err != nil {
		return nil, &RuleError{Index: -1, Segment: name, Rule: rule, Budget: true, Err: err}
	}
	return &Rule{Name: name, Source: rule, program: program}, nil
}

// ValidateRule reports whether rule compiles, without a segment name.
func ValidateRule(rule string) error {
	_, err := Compile("", rule)
	return err
}

// Match evaluates the rule against one profile's facts.
func (r *Rule) Match(f *Facts) (bool, error) {
	var machine vm.VM
	return r.match(&machine, f)
}

// match evaluates with a caller-owned VM, which it reuses across calls.
func (r *Rule) match(machine *vm.VM, f *Facts) (bool, error) {
	out, err := machine.Run(r.program, f)
	if err != nil {
		// The VM's message may quote the profile's value ("parsing \"bob@x.io\""): scrubbed here.
		return false, &RuleError{Index: -1, Segment: r.Name, Rule: r.Source, Profile: f.ID, Err: errors.New(redact.Scrub(err.Error()))}
	}
	ok, _ := out.(bool)
	return ok, nil
}

// Field is one name rules may use, with its type: string, int, float, bool or time.
type Field struct {
	Name string
	Type string
}

// Fields lists every name available to rules, in Facts order. Map-valued facts appear once
// with a placeholder key: "engagement.<metric>", "customer.attributes.<name>".
func Fields() []Field { return slices.Clone(fields) }

var fields = collectFields(reflect.TypeFor[Facts](), "")

func fieldList() string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

var timeType = reflect.TypeFor[time.Time]()

// collectFields walks the expr tags of a facts struct.
func collectFields(t reflect.Type, prefix string) []Field {
	var out []Field
	for sf := range t.Fields() {
		name := sf.Tag.Get("expr")
		if name == "" || name == "-" {
			continue
		}
		name = prefix + name
		ft := sf.Type
		switch {
		case ft == timeType:
			out = append(out, Field{name, "time"})
		case ft.Kind() == reflect.Struct:
			out = append(out, collectFields(ft, name+".")...)
		case ft.Kind() == reflect.Map:
			key := "<name>"
			if name == "engagement" {
				key = "<metric>"
			}
			out = append(out, Field{name + "." + key, kindName(ft.Elem().Kind())})
		default:
			out = append(out, Field{name, kindName(ft.Kind())})
		}
	}
	return out
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64:
		return "int"
	case reflect.Float64:
		return "float"
	default:
		return k.String()
	}
}
