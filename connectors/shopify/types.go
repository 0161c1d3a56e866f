// This file holds the Shopify wire structs: customers, orders, line items, consent and money sets.
package shopify

type customersResponse struct {
	Customers []customer `json:"customers"`
}

type ordersResponse struct {
	Orders []order `json:"orders"`
}

type customer struct {
	ID                    int64             `json:"id"`
	Email                 *string           `json:"email"`
	FirstName             *string           `json:"first_name"`
	LastName              *string           `json:"last_name"`
	Phone                 *string           `json:"phone"`
	State                 string            `json:"state"`
	Tags                  string            `json:"tags"`
	Note                  *string           `json:"note"`
	VerifiedEmail         *bool             `json:"verified_email"`
	OrdersCount           *int64            `json:"orders_count"`
	TotalSpent            *string           `json:"total_spent"`
	Currency              string            `json:"currency"`
	CreatedAt             string            `json:"created_at"`
	UpdatedAt             string            `json:"updated_at"`
	EmailMarketingConsent *marketingConsent `json:"email_marketing_consent"`
	SMSMarketingConsent   *marketingConsent `json:"sms_marketing_consent"`
	// AcceptsMarketing is deprecated since 2022-04; read only when email_marketing_consent is absent.
	AcceptsMarketing          *bool    `json:"accepts_marketing"`
	AcceptsMarketingUpdatedAt *string  `json:"accepts_marketing_updated_at"`
	DefaultAddress            *address `json:"default_address"`
}

type marketingConsent struct {
	State                string  `json:"state"`
	OptInLevel           *string `json:"opt_in_level"`
	ConsentUpdatedAt     *string `json:"consent_updated_at"`
	ConsentCollectedFrom *string `json:"consent_collected_from"`
}

type address struct {
	Address1     *string `json:"address1"`
	Address2     *string `json:"address2"`
	City         *string `json:"city"`
	Province     *string `json:"province"`
	ProvinceCode *string `json:"province_code"`
	Country      *string `json:"country"`
	CountryCode  *string `json:"country_code"`
	Zip          *string `json:"zip"`
	Phone        *string `json:"phone"`
}

type order struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	Email             *string   `json:"email"`
	ContactEmail      *string   `json:"contact_email"`
	Phone             *string   `json:"phone"`
	CreatedAt         string    `json:"created_at"`
	UpdatedAt         string    `json:"updated_at"`
	ProcessedAt       *string   `json:"processed_at"`
	ClosedAt          *string   `json:"closed_at"`
	CancelledAt       *string   `json:"cancelled_at"`
	Currency          string    `json:"currency"`
	FinancialStatus   *string   `json:"financial_status"`
	FulfillmentStatus *string   `json:"fulfillment_status"`
	TotalPrice        string    `json:"total_price"`
	TotalPriceSet     *moneySet `json:"total_price_set"`
	Customer          *struct {
		ID int64 `json:"id"`
	} `json:"customer"`
	LineItems []lineItem `json:"line_items"`
}

type lineItem struct {
	ProductID *int64    `json:"product_id"`
	VariantID *int64    `json:"variant_id"`
	Title     string    `json:"title"`
	Quantity  int64     `json:"quantity"`
	Price     string    `json:"price"`
	PriceSet  *moneySet `json:"price_set"`
	SKU       *string   `json:"sku"`
}

// moneySet is Shopify's amount in shop and presentment currencies; amounts are decimal strings.
type moneySet struct {
	ShopMoney struct {
		Amount       string `json:"amount"`
		CurrencyCode string `json:"currency_code"`
	} `json:"shop_money"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
