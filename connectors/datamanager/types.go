// This file holds the Data Manager API's request and response shapes (JSON, camelCase).
package datamanager

type account struct {
	AccountType string `json:"accountType"`
	AccountID   string `json:"accountId"`
}

type destination struct {
	OperatingAccount     account  `json:"operatingAccount"`
	LoginAccount         *account `json:"loginAccount,omitempty"`
	ProductDestinationID string   `json:"productDestinationId"`
	Reference            string   `json:"reference,omitempty"`
}

type addressInfo struct {
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
	RegionCode string `json:"regionCode"`
	PostalCode string `json:"postalCode"`
}

// userIdentifier holds exactly one of its fields.
type userIdentifier struct {
	EmailAddress string       `json:"emailAddress,omitempty"`
	PhoneNumber  string       `json:"phoneNumber,omitempty"`
	Address      *addressInfo `json:"address,omitempty"`
}

type userData struct {
	UserIdentifiers []userIdentifier `json:"userIdentifiers"`
}

type consentFields struct {
	AdUserData        string `json:"adUserData"`
	AdPersonalization string `json:"adPersonalization"`
}

type audienceMember struct {
	UserData userData       `json:"userData"`
	Consent  *consentFields `json:"consent,omitempty"`
}

type termsOfService struct {
	Status string `json:"customerMatchTermsOfServiceStatus"`
}

// changeRequest is the body of audienceMembers:ingest (Consent, TermsOfService) and :remove.
type changeRequest struct {
	Destinations    []destination    `json:"destinations"`
	AudienceMembers []audienceMember `json:"audienceMembers"`
	Encoding        string           `json:"encoding"`
	TermsOfService  *termsOfService  `json:"termsOfService,omitempty"`
	ValidateOnly    bool             `json:"validateOnly,omitempty"`
}

type changeResponse struct {
	RequestID string `json:"requestId"`
}

// rpcError is Google's error body with the details Data Manager sends.
type rpcError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type            string `json:"@type"`
			Reason          string `json:"reason"`
			RetryDelay      string `json:"retryDelay"`
			FieldViolations []struct {
				Field       string `json:"field"`
				Description string `json:"description"`
				Reason      string `json:"reason"`
			} `json:"fieldViolations"`
		} `json:"details"`
	} `json:"error"`
}

// statusResponse is requestStatus:retrieve's answer.
type statusResponse struct {
	PerDestination []struct {
		RequestStatus string `json:"requestStatus"`
		Ingestion     *struct {
			UserData struct {
				RecordCount string `json:"recordCount"`
				MatchRate   string `json:"uploadMatchRateRange"`
			} `json:"userDataIngestionStatus"`
		} `json:"audienceMembersIngestionStatus"`
		ErrorInfo *struct {
			ErrorCounts []struct {
				Reason      string `json:"reason"`
				RecordCount string `json:"recordCount"`
			} `json:"errorCounts"`
		} `json:"errorInfo"`
	} `json:"requestStatusPerDestination"`
}
