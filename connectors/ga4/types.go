// This file holds the GA4 Data API wire structs: runReport request, response and errors.
package ga4

type named struct {
	Name string `json:"name"`
}

type dateRange struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

type orderBy struct {
	Dimension struct {
		DimensionName string `json:"dimensionName"`
	} `json:"dimension"`
	Desc bool `json:"desc"`
}

// reportRequest is a runReport body. limit and offset are int64 in the API, which proto3 JSON
// carries as strings.
type reportRequest struct {
	DateRanges          []dateRange `json:"dateRanges"`
	Dimensions          []named     `json:"dimensions"`
	Metrics             []named     `json:"metrics"`
	OrderBys            []orderBy   `json:"orderBys"`
	Limit               string      `json:"limit"`
	Offset              string      `json:"offset"`
	KeepEmptyRows       bool        `json:"keepEmptyRows"`
	ReturnPropertyQuota bool        `json:"returnPropertyQuota"`
}

type value struct {
	Value string `json:"value"`
}

type reportResponse struct {
	DimensionHeaders []named `json:"dimensionHeaders"`
	MetricHeaders    []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"metricHeaders"`
	Rows []struct {
		DimensionValues []value `json:"dimensionValues"`
		MetricValues    []value `json:"metricValues"`
	} `json:"rows"`
	RowCount int64 `json:"rowCount"` // absent (0) when the report is empty
}

type errorBody struct {
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type       string `json:"@type"`
			RetryDelay string `json:"retryDelay"`
		} `json:"details"`
	} `json:"error"`
}
