// This file holds the Salesforce wire structs: query responses, Contact rows and error bodies.
package salesforce

// queryResponse is one page of a SOQL query.
type queryResponse struct {
	TotalSize      int       `json:"totalSize"`
	Done           bool      `json:"done"`
	NextRecordsURL string    `json:"nextRecordsUrl"`
	Records        []contact `json:"records"`
}

// contact is a Contact row with the fields contactFields selects; unset fields are null.
type contact struct {
	Attributes struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"attributes"`
	ID                 string  `json:"Id"`
	FirstName          *string `json:"FirstName"`
	LastName           *string `json:"LastName"`
	Email              *string `json:"Email"`
	Phone              *string `json:"Phone"`
	MobilePhone        *string `json:"MobilePhone"`
	Birthdate          *string `json:"Birthdate"`
	HasOptedOutOfEmail bool    `json:"HasOptedOutOfEmail"`
	DoNotCall          bool    `json:"DoNotCall"`
	IsDeleted          bool    `json:"IsDeleted"`
	CreatedDate        string  `json:"CreatedDate"`
	LastModifiedDate   string  `json:"LastModifiedDate"`
	SystemModstamp     string  `json:"SystemModstamp"`
}

// apiError is one element of Salesforce's error array (or an OAuth error object).
type apiError struct {
	Message          string   `json:"message"`
	ErrorCode        string   `json:"errorCode"`
	Fields           []string `json:"fields"`
	Error            string   `json:"error"`
	ErrorDescription string   `json:"error_description"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
