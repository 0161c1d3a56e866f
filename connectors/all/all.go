// Package all registers every connector type: importing it (for its side effects) is how a binary
// gets the vendors. Adding a vendor means one new package under connectors/ and one line here.
package all

import (
	_ "github.com/cdpflow/cdpflow/connectors/csvfile"
	_ "github.com/cdpflow/cdpflow/connectors/ga4"
	_ "github.com/cdpflow/cdpflow/connectors/googleads"
	_ "github.com/cdpflow/cdpflow/connectors/hubspot"
	_ "github.com/cdpflow/cdpflow/connectors/mailchimp"
	_ "github.com/cdpflow/cdpflow/connectors/mandrill"
	_ "github.com/cdpflow/cdpflow/connectors/meta"
	_ "github.com/cdpflow/cdpflow/connectors/salesforce"
	_ "github.com/cdpflow/cdpflow/connectors/shopify"
	_ "github.com/cdpflow/cdpflow/connectors/square"
)
