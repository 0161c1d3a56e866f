// This file holds Google Ads' wire structs (REST/JSON form of the OfflineUserDataJobService).
package googleads

import "encoding/json"

type createJobRequest struct {
	Job          job  `json:"job"`
	ValidateOnly bool `json:"validateOnly,omitempty"`
}

type job struct {
	Type                          string           `json:"type"`
	CustomerMatchUserListMetadata userListMetadata `json:"customerMatchUserListMetadata"`
}

type userListMetadata struct {
	UserList string   `json:"userList"`
	Consent  *consent `json:"consent,omitempty"`
}

type consent struct {
	AdUserData        string `json:"adUserData"`
	AdPersonalization string `json:"adPersonalization"`
}

type createJobResponse struct {
	ResourceName string `json:"resourceName"`
}

type addOperationsRequest struct {
	EnablePartialFailure bool        `json:"enablePartialFailure"`
	Operations           []operation `json:"operations"`
}

type operation struct {
	Create *userData `json:"create,omitempty"`
	Remove *userData `json:"remove,omitempty"`
}

type userData struct {
	UserIdentifiers []userIdentifier `json:"userIdentifiers"`
}

type userIdentifier struct {
	HashedEmail       string       `json:"hashedEmail,omitempty"`
	HashedPhoneNumber string       `json:"hashedPhoneNumber,omitempty"`
	AddressInfo       *addressInfo `json:"addressInfo,omitempty"`
}

type addressInfo struct {
	HashedFirstName string `json:"hashedFirstName"`
	HashedLastName  string `json:"hashedLastName"`
	CountryCode     string `json:"countryCode"`
	PostalCode      string `json:"postalCode"`
}

type addOperationsResponse struct {
	PartialFailureError *status `json:"partialFailureError"`
	Warning             *status `json:"warning"`
}

// status is google.rpc.Status.
type status struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Details []failureDetail `json:"details"`
}

// failureDetail is one details entry; GoogleAdsFailure carries errors.
type failureDetail struct {
	Type   string     `json:"@type"`
	Errors []adsError `json:"errors"`
}

type adsError struct {
	ErrorCode map[string]any `json:"errorCode"`
	Message   string         `json:"message"`
	Location  *struct {
		FieldPathElements []struct {
			FieldName string          `json:"fieldName"`
			Index     json.RawMessage `json:"index"`
		} `json:"fieldPathElements"`
	} `json:"location"`
}

// rpcError is the non-2xx body.
type rpcError struct {
	Error struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Status  string          `json:"status"`
		Details []failureDetail `json:"details"`
	} `json:"error"`
}

type operationResponse struct {
	Name string `json:"name"`
}
