// Package jsonout writes kkt's JSON: one style for every command and file,
// non-finite numbers as null with a "nonfinite" map naming them.
package jsonout

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// JSON output.
//
// Every command's --json output, and every JSON file the commands write, goes
// through Write (the command's printJSON for stdout). JSON has no NaN or infinity, and
// encoding/json refuses them, so a result holding one used to leave stdout
// empty. writeJSON instead encodes each non-finite number as null and, when
// the top-level value is an object, adds a field
//
//	"nonfinite": {"<path>": "NaN" | "+Inf" | "-Inf", ...}
//
// naming every such field by its JSON path (e.g. "rel_residual" or
// "history[3].gap"); the result's own status field says why the number is
// not finite (NumericalFailure, Singular, ...). The encoder's error is always
// checked: the command reports a failure on stderr and the command exits 2.

// Write writes v as one JSON value and a newline (indented when indent
// is true), encoding non-finite numbers as described above.
func Write(w io.Writer, v any, indent bool) error {
	b, err := json.Marshal(v)
	if err != nil {
		var uv *json.UnsupportedValueError
		var me *json.MarshalerError
		if !errors.As(err, &uv) && !errors.As(err, &me) {
			return err
		}
		var nf []nonFinite
		tree := sanitize(reflect.ValueOf(v), "", &nf, 0)
		if obj, ok := tree.(jsonObject); ok && len(nf) > 0 {
			m := make(jsonObject, 0, len(nf))
			for _, x := range nf {
				m = append(m, jsonField{x.path, x.value})
			}
			tree = append(obj, jsonField{"nonfinite", m})
		}
		if b, err = json.Marshal(tree); err != nil {
			return err
		}
	}
	if indent {
		var buf bytes.Buffer
		if err := json.Indent(&buf, b, "", "  "); err != nil {
			return err
		}
		b = buf.Bytes()
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

type nonFinite struct{ path, value string }

// jsonObject is an object whose fields keep their order.
type jsonObject []jsonField

type jsonField struct {
	key string
	val any
}

func (o jsonObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		buf.Write(k)
		buf.WriteByte(':')
		v, err := json.Marshal(f.val)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// sanitize converts v into a tree that encoding/json can encode, replacing
// non-finite floats by nil and recording their paths in nf.
func sanitize(v reflect.Value, path string, nf *[]nonFinite, depth int) any {
	if !v.IsValid() || depth > 64 {
		return nil
	}
	t := v.Type()
	if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface || t.Kind() == reflect.Map || t.Kind() == reflect.Slice) && v.IsNil() {
		return nil
	}
	if t.Implements(jsonMarshalerType) {
		if b, err := v.Interface().(json.Marshaler).MarshalJSON(); err == nil {
			return json.RawMessage(b)
		}
	} else if t.Implements(textMarshalerType) {
		if b, err := v.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
			return string(b)
		}
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return sanitize(v.Elem(), path, nf, depth+1)
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			*nf = append(*nf, nonFinite{path, "NaN"})
		case math.IsInf(f, 1):
			*nf = append(*nf, nonFinite{path, "+Inf"})
		case math.IsInf(f, -1):
			*nf = append(*nf, nonFinite{path, "-Inf"})
		default:
			return f
		}
		return nil
	case reflect.Struct:
		obj := jsonObject{}
		sanitizeStruct(v, path, nf, depth, &obj)
		return obj
	case reflect.Map:
		keys := v.MapKeys()
		type kv struct {
			k string
			v reflect.Value
		}
		kvs := make([]kv, 0, len(keys))
		for _, k := range keys {
			var ks string
			if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
				b, _ := tm.MarshalText()
				ks = string(b)
			} else if k.Kind() == reflect.String {
				ks = k.String()
			} else {
				ks = fmt.Sprint(k.Interface())
			}
			kvs = append(kvs, kv{ks, v.MapIndex(k)})
		}
		sort.Slice(kvs, func(i, j int) bool { return kvs[i].k < kvs[j].k })
		obj := make(jsonObject, 0, len(kvs))
		for _, e := range kvs {
			obj = append(obj, jsonField{e.k, sanitize(e.v, joinPath(path, e.k), nf, depth+1)})
		}
		return obj
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return v.Interface()
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = sanitize(v.Index(i), path+"["+strconv.Itoa(i)+"]", nf, depth+1)
		}
		return out
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return nil
	}
	return v.Interface()
}

// sanitizeStruct appends the fields of struct v as encoding/json would name
// them (json tags, omitempty, "-", embedded structs inlined).
func sanitizeStruct(v reflect.Value, path string, nf *[]nonFinite, depth int, obj *jsonObject) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv, ft = fv.Elem(), ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				sanitizeStruct(fv, path, nf, depth, obj)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if strings.Contains(","+opts+",", ",omitempty,") && fv.IsZero() && !(fv.Kind() == reflect.Struct) {
			continue
		}
		if strings.Contains(","+opts+",", ",omitempty,") && (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0 {
			continue
		}
		*obj = append(*obj, jsonField{name, sanitize(fv, joinPath(path, name), nf, depth+1)})
	}
}
