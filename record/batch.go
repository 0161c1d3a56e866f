// This file holds Batch and Visitor: records of every kind moved or read together, so stores and
// stages need one verb per action instead of one per record kind.
package record

// Batch holds records of any kinds (one page, one write).
type Batch struct {
	Customers   []Customer
	Orders      []Order
	Engagements []Engagement
}

// Len counts the records.
func (b Batch) Len() int { return len(b.Customers) + len(b.Orders) + len(b.Engagements) }

// Visitor receives records of the kinds it has a function for; nil functions skip their kind.
// Kinds are visited in the order customers, orders, engagements.
type Visitor struct {
	Customer   func(Customer) error
	Order      func(Order) error
	Engagement func(Engagement) error
}

// Kinds lists the kinds the visitor wants.
func (v Visitor) Kinds() []Kind {
	var out []Kind
	if v.Customer != nil {
		out = append(out, KindCustomer)
	}
	if v.Order != nil {
		out = append(out, KindOrder)
	}
	if v.Engagement != nil {
		out = append(out, KindEngagement)
	}
	return out
}
