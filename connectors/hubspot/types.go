// This file holds the HubSpot wire structs: contact objects, list/search responses and error bodies.
package hubspot

// contactObject is one contact as the CRM v3 API returns it; every property is a string or null.
type contactObject struct {
	ID         string             `json:"id"`
	Properties map[string]*string `json:"properties"`
	CreatedAt  string             `json:"createdAt"`
	UpdatedAt  string             `json:"updatedAt"`
	Archived   bool               `json:"archived"`
	ArchivedAt string             `json:"archivedAt,omitempty"`
}

// prop returns a property's value, "" when absent or null.
func (o contactObject) prop(name string) string {
	if v := o.Properties[name]; v != nil {
		return *v
	}
	return ""
}

type paging struct {
	Next *struct {
		After string `json:"after"`
		Link  string `json:"link"`
	} `json:"next"`
}

type listResponse struct {
	Results []contactObject `json:"results"`
	Paging  *paging         `json:"paging"`
}

type searchResponse struct {
	Total   int             `json:"total"`
	Results []contactObject `json:"results"`
	Paging  *paging         `json:"paging"`
}

type filter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        string `json:"value"`
}

type filterGroup struct {
	Filters []filter `json:"filters"`
}

type sortRule struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

type searchRequest struct {
	FilterGroups []filterGroup `json:"filterGroups"`
	Sorts        []sortRule    `json:"sorts"`
	Properties   []string      `json:"properties"`
	Limit        int           `json:"limit"`
	After        string        `json:"after,omitempty"`
}

// apiError is HubSpot's error body (validation, auth and RATE_LIMIT answers).
type apiError struct {
	Status        string `json:"status"`
	Message       string `json:"message"`
	CorrelationID string `json:"correlationId"`
	Category      string `json:"category"`
	ErrorType     string `json:"errorType"`
	PolicyName    string `json:"policyName"`
	Errors        []struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	} `json:"errors"`
}
