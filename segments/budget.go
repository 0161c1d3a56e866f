// budget.go bounds what a user rule may cost. At start-up a rule's worst case per profile is
// estimated from its syntax tree (every loop builtin multiplies its body by the size of what it
// iterates: a constant range or list by its length, a profile's map or a split string by
// assumedCollection) and a rule over MaxRuleSteps is refused, naming it; so is a conversion that
// fails on every profile (int() of a text field). At run time the rules of one evaluation share a
// wall-clock budget (Engine.RunBudget) and stop when the caller's context ends; an evaluation
// over budget fails naming the rule that spent the most.
package segments

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
)

const (
	// MaxRuleSteps is the most a rule may cost per profile, in expression steps.
	MaxRuleSteps = 100_000
	// assumedCollection is the size assumed for a collection known only at run time (a profile's
	// engagement metrics or attributes, a split string).
	assumedCollection = 100
	// unboundedRange is the size assumed for a range whose bounds are not constants: a profile's
	// own numbers would decide how long it runs.
	unboundedRange = 10_000_000
	// DefaultRunBudget is the wall-clock time every rule of one evaluation may use together.
	DefaultRunBudget = 15 * time.Minute
)

// ruleCost estimates a rule's worst-case steps per profile.
func ruleCost(n ast.Node) float64 {
	if n == nil {
		return 0
	}
	if b, ok := n.(*ast.BuiltinNode); ok && len(b.Arguments) >= 2 {
		if p, ok := b.Arguments[1].(*ast.PredicateNode); ok {
			c := ruleCost(b.Arguments[0]) + collectionSize(b.Arguments[0])*(1+ruleCost(p.Node))
			for _, a := range b.Arguments[2:] {
				c += ruleCost(a)
			}
			return c
		}
	}
	c := 1.0
	for _, ch := range children(n) {
		c += ruleCost(ch)
	}
	return c
}

// collectionSize is how many elements a loop over n visits at most.
func collectionSize(n ast.Node) float64 {
	switch v := n.(type) {
	case *ast.ConstantNode:
		if rv := reflect.ValueOf(v.Value); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array || rv.Kind() == reflect.Map || rv.Kind() == reflect.String {
			return float64(rv.Len())
		}
	case *ast.ArrayNode:
		return float64(len(v.Nodes))
	case *ast.BinaryNode:
		if v.Operator == ".." {
			from, ok1 := intConst(v.Left)
			to, ok2 := intConst(v.Right)
			if ok1 && ok2 {
				return float64(max(0, to-from+1))
			}
			return unboundedRange
		}
	case *ast.BuiltinNode:
		if len(v.Arguments) > 0 && (v.Name == "filter" || v.Name == "map" || v.Name == "sortBy") {
			return collectionSize(v.Arguments[0])
		}
	}
	return assumedCollection
}

func intConst(n ast.Node) (int, bool) {
	switch v := n.(type) {
	case *ast.IntegerNode:
		return v.Value, true
	case *ast.ConstantNode:
		i, ok := v.Value.(int)
		return i, ok
	}
	return 0, false
}

// children lists a node's direct sub-expressions.
func children(n ast.Node) []ast.Node {
	switch v := n.(type) {
	case *ast.UnaryNode:
		return []ast.Node{v.Node}
	case *ast.BinaryNode:
		return []ast.Node{v.Left, v.Right}
	case *ast.ChainNode:
		return []ast.Node{v.Node}
	case *ast.MemberNode:
		return []ast.Node{v.Node, v.Property}
	case *ast.SliceNode:
		return []ast.Node{v.Node, v.From, v.To}
	case *ast.CallNode:
		return append([]ast.Node{v.Callee}, v.Arguments...)
	case *ast.BuiltinNode:
		return v.Arguments
	case *ast.PredicateNode:
		return []ast.Node{v.Node}
	case *ast.VariableDeclaratorNode:
		return []ast.Node{v.Value, v.Expr}
	case *ast.SequenceNode:
		return v.Nodes
	case *ast.ConditionalNode:
		return []ast.Node{v.Cond, v.Exp1, v.Exp2}
	case *ast.ArrayNode:
		return v.Nodes
	case *ast.MapNode:
		out := make([]ast.Node, len(v.Pairs))
		copy(out, v.Pairs)
		return out
	case *ast.PairNode:
		return []ast.Node{v.Key, v.Value}
	}
	return nil
}

// checkRule refuses, before any profile is evaluated, a rule too costly to run on every profile
// and a numeric conversion of a text field (it fails on every profile whose field is not a number).
func checkRule(root ast.Node) error {
	if c := ruleCost(root); c > MaxRuleSteps {
		return fmt.Errorf("too costly: up to %.3g steps per profile (at most %d); nested loops multiply: "+
			"loop over fewer elements or nest less", c, MaxRuleSteps)
	}
	var bad error
	ast.Walk(&root, visitor(func(n ast.Node) {
		if bad != nil {
			return
		}
		name, args := callOf(n)
		if (name != "int" && name != "float") || len(args) != 1 {
			return
		}
		if field, ok := textField(args[0]); ok {
			bad = fmt.Errorf("%s(%s): %s is text, so the conversion fails on profiles where it is not a number; "+
				"compare it as text, or use a numeric field", name, field, field)
		}
	}))
	return bad
}

// callOf returns the function name and arguments of a call node.
func callOf(n ast.Node) (string, []ast.Node) {
	switch v := n.(type) {
	case *ast.BuiltinNode:
		return v.Name, v.Arguments
	case *ast.CallNode:
		if id, ok := v.Callee.(*ast.IdentifierNode); ok {
			return id.Value, v.Arguments
		}
	}
	return "", nil
}

// textField reports whether n reads a text field of the typed facts (not a free-form attribute,
// whose values may well be numbers), and its dotted name.
func textField(n ast.Node) (string, bool) {
	m, ok := n.(*ast.MemberNode)
	if !ok || n.Type() == nil || n.Type().Kind() != reflect.String {
		return "", false
	}
	if t := m.Node.Type(); t == nil || t.Kind() != reflect.Struct {
		return "", false
	}
	return strings.TrimSpace(m.String()), true
}

type visitor func(n ast.Node)

func (f visitor) Visit(n *ast.Node) { f(*n) }
