package analyzer

// factsAddressing computes the model facts the addressing rules need. It runs after
// demand and indexes are computed.
func (b *builder) factsAddressing() {}
