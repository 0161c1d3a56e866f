// nicknames.go holds the name variants a person goes by: diminutives and short forms of given
// names ("bill" for william, "peggy" for margaret), for the nickname level of name
// comparisons. A name may belong to several groups ("pat": patrick and patricia); two names
// are nicknames of each other when they share a group.
package identity

import "strings"

// nicknameGroups lists each formal name first, then the forms it goes by.
var nicknameGroups = []string{
	"william bill billy will willy liam", "robert bob bobby rob robbie bert", "richard dick rick ricky rich richie",
	"james jim jimmy jamie", "john jack johnny jon", "jonathan jon jonny", "joseph joe joey jo",
	"thomas tom tommy", "charles charlie chuck chas", "edward ed eddie ted teddy ned", "henry harry hank",
	"michael mike mikey mick", "christopher chris kit", "nicholas nick nicky", "anthony tony",
	"alexander alex sandy xander", "andrew andy drew", "daniel dan danny", "david dave davey",
	"matthew matt", "benjamin ben benny", "samuel sam sammy", "timothy tim timmy", "patrick pat paddy",
	"peter pete", "stephen steve stevie", "steven steve stevie", "gregory greg", "jeffrey jeff",
	"joshua josh", "kenneth ken kenny", "lawrence larry", "ronald ron ronnie", "donald don donnie",
	"douglas doug", "frederick fred freddie", "gerald gerry jerry", "leonard len lenny leo",
	"raymond ray", "albert al bert", "alfred alf alfie", "arthur art", "francis frank fran",
	"theodore theo ted teddy", "zachary zach zack", "nathaniel nate nat", "nathan nate",
	"elizabeth liz lizzie beth betty eliza libby elsie bess", "margaret maggie meg peggy marge margie greta",
	"katherine kate katie kathy cathy kat kitty", "catherine kate katie cathy cat", "kathryn kate katie kathy",
	"jennifer jen jenny", "patricia pat patty trish", "susan sue susie", "deborah deb debbie",
	"rebecca becky becca", "jessica jess jessie", "victoria vicky tori", "christine chris chrissy tina",
	"christina chris chrissy tina", "samantha sam sammy", "alexandra alex sandra sasha", "abigail abby",
	"barbara barb babs", "dorothy dot dottie", "eleanor ellie nell", "florence flo", "frances fran frankie",
	"helen nell", "isabella bella izzy", "isabel bella izzy", "jacqueline jackie", "josephine jo josie",
	"judith judy", "kimberly kim", "mary molly polly mae", "megan meg", "nancy nan", "pamela pam",
	"penelope penny", "rosemary rose rosie", "sarah sally sadie", "sara sally", "teresa terry tess",
	"theresa terry tess", "valerie val", "virginia ginny", "anne annie nan", "anna annie", "ann annie",
	"caroline carrie carol", "carolyn carrie carol", "cynthia cindy", "suzanne suzy sue",
	"johann hans", "johannes hans", "wilhelm willi", "friedrich fritz", "francisco paco pancho",
	"jose pepe", "alejandro alex", "guillermo memo",
}

// nicknameIndex maps a name to the groups it belongs to.
var nicknameIndex = func() map[string][]uint16 {
	idx := map[string][]uint16{}
	for g, line := range nicknameGroups {
		for _, n := range strings.Fields(line) {
			idx[n] = append(idx[n], uint16(g))
		}
	}
	return idx
}()

// nicknames reports whether a and b (different names) are forms of one name.
func nicknames(a, b string) bool {
	ga, ok := nicknameIndex[a]
	if !ok {
		return false
	}
	for _, x := range nicknameIndex[b] {
		for _, y := range ga {
			if x == y {
				return true
			}
		}
	}
	return false
}
