package analyzer

// factsPorts computes the model facts the ports rules need. It runs after
// demand and indexes are computed.
func (b *builder) factsPorts() {}
