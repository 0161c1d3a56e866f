// This file holds Square's wire structs: customers, orders, money, search bodies and errors.
package square

// money is Square's Money: amount in the currency's smallest unit.
type money struct {
	Amount   *int64 `json:"amount"`
	Currency string `json:"currency"`
}

type address struct {
	AddressLine1                 string `json:"address_line_1"`
	AddressLine2                 string `json:"address_line_2"`
	AddressLine3                 string `json:"address_line_3"`
	Locality                     string `json:"locality"`
	Sublocality                  string `json:"sublocality"`
	AdministrativeDistrictLevel1 string `json:"administrative_district_level_1"`
	PostalCode                   string `json:"postal_code"`
	Country                      string `json:"country"`
}

type customer struct {
	ID             string   `json:"id"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
	GivenName      string   `json:"given_name"`
	FamilyName     string   `json:"family_name"`
	Nickname       string   `json:"nickname"`
	CompanyName    string   `json:"company_name"`
	EmailAddress   string   `json:"email_address"`
	PhoneNumber    string   `json:"phone_number"`
	Address        *address `json:"address"`
	Birthday       string   `json:"birthday"`
	ReferenceID    string   `json:"reference_id"`
	Note           string   `json:"note"`
	CreationSource string   `json:"creation_source"`
	Preferences    *struct {
		EmailUnsubscribed *bool `json:"email_unsubscribed"`
	} `json:"preferences"`
}

type customersPage struct {
	Customers []customer `json:"customers"`
	Cursor    string     `json:"cursor"`
}

type lineItem struct {
	UID             string `json:"uid"`
	CatalogObjectID string `json:"catalog_object_id"`
	Name            string `json:"name"`
	VariationName   string `json:"variation_name"`
	Quantity        string `json:"quantity"` // a decimal string: "2", or "1.5" for items sold by weight
	BasePriceMoney  *money `json:"base_price_money"`
	GrossSalesMoney *money `json:"gross_sales_money"`
	TotalMoney      *money `json:"total_money"`
}

type order struct {
	ID         string     `json:"id"`
	LocationID string     `json:"location_id"`
	CustomerID string     `json:"customer_id"`
	State      string     `json:"state"`
	LineItems  []lineItem `json:"line_items"`
	TotalMoney *money     `json:"total_money"`
	CreatedAt  string     `json:"created_at"`
	UpdatedAt  string     `json:"updated_at"`
	ClosedAt   string     `json:"closed_at"`
}

type ordersPage struct {
	Orders []order `json:"orders"`
	Cursor string  `json:"cursor"`
}

type timeRange struct {
	StartAt string `json:"start_at,omitempty"`
}

type customerSearch struct {
	Limit  int                 `json:"limit"`
	Cursor string              `json:"cursor,omitempty"`
	Query  customerSearchQuery `json:"query"`
}

type customerSearchQuery struct {
	Filter struct {
		UpdatedAt *timeRange `json:"updated_at,omitempty"`
	} `json:"filter"`
	Sort struct {
		Field string `json:"field"`
		Order string `json:"order"`
	} `json:"sort"`
}

type orderSearch struct {
	LocationIDs []string         `json:"location_ids"`
	Limit       int              `json:"limit"`
	Cursor      string           `json:"cursor,omitempty"`
	Query       orderSearchQuery `json:"query"`
}

type orderSearchQuery struct {
	Filter struct {
		DateTimeFilter *struct {
			UpdatedAt *timeRange `json:"updated_at,omitempty"`
		} `json:"date_time_filter,omitempty"`
		StateFilter struct {
			States []string `json:"states"`
		} `json:"state_filter"`
	} `json:"filter"`
	Sort struct {
		SortField string `json:"sort_field"`
		SortOrder string `json:"sort_order"`
	} `json:"sort"`
}

type errorBody struct {
	Errors []struct {
		Category string `json:"category"`
		Code     string `json:"code"`
		Detail   string `json:"detail"`
		Field    string `json:"field"`
	} `json:"errors"`
	Message string `json:"message"` // non-Square bodies
}
