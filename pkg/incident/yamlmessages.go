package incident

import "github.com/incidentctl/incidentctl/pkg/i18n"

// yamlMessages are the catalogue's ids for yaml.v3's usual complaints about front matter, by
// yaml.v3's own sentence (the English text of each id is that sentence).
var yamlMessages = map[string]string{
	"mapping values are not allowed in this context":         "yaml.mapping_values",
	"did not find expected ',' or ']'":                       "yaml.flow_sequence",
	"did not find expected ',' or '}'":                       "yaml.flow_mapping",
	"found unexpected end of stream":                         "yaml.end_of_stream",
	"found character that cannot start any token":            "yaml.bad_character",
	"did not find expected key":                              "yaml.expected_key",
	"found unknown escape character":                         "yaml.escape",
	"did not find expected '-' indicator":                    "yaml.expected_dash",
	"could not find expected ':'":                            "yaml.expected_colon",
	"did not find expected node content":                     "yaml.node_content",
	"block sequence entries are not allowed in this context": "yaml.sequence_entries",
}

// yamlMessage is yaml.v3's sentence msg made with i18n.Text when the catalogue has it (so
// it is said in the reader's language inside "invalid YAML in front matter: …"), else msg.
func yamlMessage(msg string) string {
	if id, ok := yamlMessages[msg]; ok {
		return i18n.Text(id)
	}
	return msg
}
