package nlp

func SetDebugGates(b bool) { debugGates = b }
