package sariftest

import "encoding/json"

// The subset of SARIF that Check inspects. Members whose presence or JSON
// type matters are kept raw or as pointers; numbers stay json.Number so a
// huge ruleIndex is seen as written.
type sarifLog struct {
	Version string `json:"version"`
	Schema  string `json:"$schema"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool struct {
		Driver struct {
			Name  string          `json:"name"`
			Rules json.RawMessage `json:"rules"`
		} `json:"driver"`
	} `json:"tool"`
	Results     json.RawMessage `json:"results"`
	ColumnKind  string          `json:"columnKind"`
	Invocations []struct {
		ExecutionSuccessful        json.RawMessage `json:"executionSuccessful"`
		ToolExecutionNotifications []struct {
			Message *message `json:"message"`
		} `json:"toolExecutionNotifications"`
	} `json:"invocations"`
}

type message struct {
	Text *string `json:"text"`
}

type multiformat struct {
	Text     *string `json:"text"`
	Markdown *string `json:"markdown"`
}

type rule struct {
	ID                   string       `json:"id"`
	Name                 *string      `json:"name"`
	ShortDescription     *multiformat `json:"shortDescription"`
	FullDescription      *multiformat `json:"fullDescription"`
	Help                 *multiformat `json:"help"`
	HelpURI              *string      `json:"helpUri"`
	DefaultConfiguration *struct {
		Level *string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties map[string]any `json:"properties"`
}

type result struct {
	RuleID              *string         `json:"ruleId"`
	RuleIndex           *json.Number    `json:"ruleIndex"`
	Message             message         `json:"message"`
	Locations           []location      `json:"locations"`
	PartialFingerprints map[string]any  `json:"partialFingerprints"`
	Suppressions        json.RawMessage `json:"suppressions"`
	Fixes               []fix           `json:"fixes"`
}

type fix struct {
	Description     *message `json:"description"`
	ArtifactChanges []struct {
		ArtifactLocation *struct {
			URI *string `json:"uri"`
		} `json:"artifactLocation"`
		Replacements []struct {
			DeletedRegion   *region `json:"deletedRegion"`
			InsertedContent *struct {
				Text *string `json:"text"`
			} `json:"insertedContent"`
		} `json:"replacements"`
	} `json:"artifactChanges"`
}

type location struct {
	PhysicalLocation *struct {
		ArtifactLocation *struct {
			URI       *string `json:"uri"`
			URIBaseID *string `json:"uriBaseId"`
		} `json:"artifactLocation"`
		Region *region `json:"region"`
	} `json:"physicalLocation"`
}

type region struct {
	StartLine   *json.Number `json:"startLine"`
	StartColumn *json.Number `json:"startColumn"`
	EndLine     *json.Number `json:"endLine"`
	EndColumn   *json.Number `json:"endColumn"`
}
