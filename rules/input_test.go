package rules

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

type inputInner struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
}

type inputEmbedded struct {
	inputInner
	C bool `json:"c"`
}

type ptrMarshaler struct{ X int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

type inputAll struct {
	PM   ptrMarshaler   `json:"pm"`
	PMs  []ptrMarshaler `json:"pms"`
	S    string         `json:"s"`
	N    int            `json:"n"`
	N64  int64          `json:"n64"`
	U    uint64         `json:"u"`
	F    float64        `json:"f"`
	Bo   bool           `json:"bo"`
	Skip string         `json:"-"`
	//lint:ignore SA5008 the tag names the field "-", the case this test covers
	Dash    string            `json:"-,"`
	NoTag   string            //
	private string            //nolint:unused // unexported fields are not part of the JSON form
	OE      string            `json:"oe,omitempty"`
	OEI     int               `json:"oei,omitempty"`
	OEB     bool              `json:"oeb,omitempty"`
	OES     []string          `json:"oes,omitempty"`
	OEM     map[string]int    `json:"oem,omitempty"`
	OEP     *inputInner       `json:"oep,omitempty"`
	NilS    []string          `json:"nil_s"`
	EmptyS  []string          `json:"empty_s"`
	NilM    map[string]string `json:"nil_m"`
	P       *inputInner       `json:"p"`
	NilP    *inputInner       `json:"nil_p"`
	Any     []any             `json:"any"`
	Nested  map[string][]inputInner
	IntKeys map[int]string `json:"int_keys"`
	Emb     inputEmbedded  `json:"emb"`
	Time    time.Time      `json:"time"`
	Prefix  netip.Prefix   `json:"prefix"`
	Bytes   []byte         `json:"bytes"`
	Arr     [2]int         `json:"arr"`
	Str     int            `json:"str,string"`
}

func TestInputValueMatchesInterfaceToValue(t *testing.T) {
	values := []any{
		nil, "x", 3, true, []any{1, "a", nil, 2.5, false, math.MaxInt64, -7},
		"bad \xff utf-8 \xc3", map[string]any{"k": []string{"a", "b"}},
		inputAll{PMs: []ptrMarshaler{{1}}, S: "s\x00\u2028<>&", N: -1, N64: 1 << 40, U: math.MaxUint64, F: 1e21, Bo: true, Skip: "no", Dash: "dash",
			NoTag: "n", private: "p", OEP: &inputInner{}, EmptyS: []string{}, P: &inputInner{A: "a", B: 2},
			Any:     []any{"services", "web", 0, 1.5, map[string]any{}},
			Nested:  map[string][]inputInner{"x": {{A: "1"}, {A: "2", B: 3}}},
			IntKeys: map[int]string{2: "b", 1: "a"}, Emb: inputEmbedded{inputInner{A: "e", B: 1}, true},
			Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Prefix: netip.MustParsePrefix("10.0.0.0/8"),
			Bytes: []byte("hi"), Arr: [2]int{1, 2}, Str: 42},
		&inputAll{}, ptrMarshaler{}, map[string]any{"pm": ptrMarshaler{}}, []inputAll{{}, {S: "same"}, {S: "same"}},
	}
	for _, v := range values {
		want, err := ast.InterfaceToValue(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := InputValue(v)
		if err != nil {
			t.Fatal(err)
		}
		if got.Compare(want) != 0 {
			t.Errorf("InputValue(%#v)\n got %v\nwant %v", v, got, want)
		}
	}
}
